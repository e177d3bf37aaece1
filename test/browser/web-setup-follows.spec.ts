/**
 * Setup follows the user: a result found with another protocol is marked stale (and is fresh
 * again once re-run), and the sandbox's collector step says that no collector is needed and why.
 */
import { SCREENSHOTS, expect, openOnSandbox, test } from './fixtures.js';

// Its own app: the test switches the sandbox profile's protocol.
test.use({ appGroup: 'setup-follows' });

for (const viewport of [{ width: 1440, height: 900 }, { width: 800, height: 600 }]) {
  test(`switching the protocol marks step 3 (and 4) stale until it runs again, at ${viewport.width}×${viewport.height}`, async ({ page, app }) => {
    await page.setViewportSize(viewport);
    await openOnSandbox(page, app.launchUrl);
    const choice = page.getByTestId('protocol-choice');
    await choice.getByLabel('HTTP, encoding Json').check();
    await expect(choice.locator('label.chosen')).toHaveText('HTTP, encoding Json');
    const step3 = page.getByTestId('step-3');
    const step4 = page.getByTestId('step-4');
    await step3.getByRole('button', { name: /^(Run|Re-run)$/ }).click();
    await expect(step3.getByRole('status')).toHaveText('passed');
    await expect(page.getByTestId('step-3-summary')).toContainText('OTLP/JSON');
    await step4.getByRole('button', { name: /^(Run|Re-run)$/ }).click();
    await expect(step4.getByRole('status').first()).toHaveText('passed');

    await choice.getByLabel('HTTP, encoding Proto').check();
    await expect(choice.locator('label.chosen')).toHaveText('HTTP, encoding Proto');
    await expect(step3.getByRole('status')).toHaveText('stale');
    await expect(page.getByTestId('step-3-stale')).toHaveText('This ran with HTTP, encoding Json; it is now HTTP, encoding Proto. Run it again to check what is set now.');
    await expect(step4.getByRole('status').first()).toHaveText('stale');
    await step3.screenshot({ path: `${SCREENSHOTS}/setup-step-3-stale-${viewport.width}x${viewport.height}.png` });
    await page.screenshot({ path: `${SCREENSHOTS}/setup-stale-${viewport.width}x${viewport.height}.png` });

    await step3.getByRole('button', { name: 'Re-run' }).click();
    await expect(step3.getByRole('status')).toHaveText('passed');
    await expect(page.getByTestId('step-3-summary')).toContainText('OTLP/protobuf');
    await expect(page.getByTestId('step-3-stale')).toHaveCount(0);

    // Leave the sandbox on HTTP+JSON for the next test.
    await choice.getByLabel('HTTP, encoding Json').check();
    await expect(choice.locator('label.chosen')).toHaveText('HTTP, encoding Json');
  });
}

test('the sandbox profile’s collector step says no collector is needed, and why', async ({ page, app }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openOnSandbox(page, app.launchUrl);
  const step2 = page.getByTestId('step-2');
  await expect(step2).toContainText('Collector: none needed for the sandbox');
  await expect(page.getByTestId('no-collector-needed')).toContainText('it receives OTLP over HTTP and gRPC itself and writes straight into its own ClickHouse');
  await expect(page.getByTestId('docker-run')).toHaveCount(0);
  await step2.getByRole('button', { name: 'Run' }).click();
  await expect(step2.getByRole('status')).toHaveText('passed');
  await expect(page.getByTestId('step-2-summary')).toContainText('No collector needed: the sandbox receives OTLP itself');
  await step2.screenshot({ path: `${SCREENSHOTS}/setup-step-2-sandbox.png` });

  // A profile for a real ClickStack gets the docker run command instead.
  await page.getByRole('button', { name: 'Duplicate' }).click();
  await expect(page.getByTestId('docker-run')).toContainText('docker run');
  await expect(page.getByTestId('no-collector-needed')).toHaveCount(0);
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Delete' }).click();
});

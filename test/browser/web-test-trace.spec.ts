/** The one-click test trace in the Health view: a pass against the sandbox and a failure, with screenshots. */
import { SCREENSHOTS, expect, openOnSandbox, test, createProfile } from './fixtures.js';

test.describe('test trace', () => {
  test('lands in the sandbox and shows every stage', async ({ page, app }) => {
    await openOnSandbox(page, app.launchUrl);
    await page.getByRole('link', { name: 'Health', exact: true }).click();
    await expect(page.getByTestId('pipeline-local-sandbox').getByRole('status')).toHaveText(/Idle|Healthy/);
    await page.getByTestId('send-test-trace').click();
    const card = page.getByTestId('test-trace');
    await expect(card.getByRole('status')).toHaveText('landed');
    await expect(page.getByTestId('test-trace-stages').locator('li.passed')).toHaveCount(3);
    await expect(page.getByTestId('test-trace-summary')).toContainText('went through the whole pipeline');
    await expect(card.getByRole('table', { name: 'Recent test traces' })).toContainText('landed');
    await card.screenshot({ path: `${SCREENSHOTS}/test-trace-passed.png` });
    // The history is the core's: a reload shows the run again.
    const rows = await card.getByRole('table', { name: 'Recent test traces' }).locator('tbody tr').count();
    await page.reload();
    await expect(card.getByRole('table', { name: 'Recent test traces' }).locator('tbody tr')).toHaveCount(rows);
  });

  test('a profile whose collector is down fails at the first hop, with the fix', async ({ page, app }) => {
    await page.goto(app.launchUrl);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'ready');
    await createProfile(page, { name: 'Collector down', otlpEndpoint: 'http://127.0.0.1:9/v1/traces', clickhouseUrl: 'http://127.0.0.1:9' });
    await page.getByRole('button', { name: 'Make active' }).click();
    await expect(page.getByRole('button', { name: 'Active', exact: true })).toBeDisabled();

    await page.getByRole('link', { name: 'Health', exact: true }).click();
    await page.getByTestId('send-test-trace').click();
    const card = page.getByTestId('test-trace');
    await expect(card.getByRole('status')).toHaveText('failed');
    await expect(page.getByTestId('test-trace-summary')).toContainText('connection was refused');
    await expect(page.getByTestId('test-trace-summary')).toContainText('Fix:');
    await card.screenshot({ path: `${SCREENSHOTS}/test-trace-failed.png` });
  });
});

/** Walks the Setup view against the app's own sandbox: every step passes, with a screenshot of each. */
import { randomBytes } from 'node:crypto';
import { SCREENSHOTS, expect, openOnSandbox, test } from './fixtures.js';
import { keychainAvailability } from '../support/keychain.js';

test.describe('setup checklist', () => {
  test('every step of the guide passes against the local sandbox', async ({ page, app }) => {
    const otlp = await openOnSandbox(page, app.launchUrl);
    // A gateway span, sent the way TrueFoundry sends it, so step 5 has something to find.
    const now = BigInt(Date.now()) * 1_000_000n;
    const response = await page.request.post(otlp, {
      headers: { 'content-type': 'application/json' },
      data: JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'tfy-llm-gateway' } }] },
            scopeSpans: [{ spans: [{ traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), name: 'ChatCompletion', kind: 2, startTimeUnixNano: String(now), endTimeUnixNano: String(now + 1_000_000n) }] }],
          },
        ],
      }),
    });
    expect(response.status()).toBe(200);

    await page.getByTestId('run-all').click();
    for (let n = 1; n <= 5; n++) {
      const step = page.getByTestId(`step-${n}`);
      await expect(step.getByRole('status')).toHaveText('passed');
      await step.screenshot({ path: `${SCREENSHOTS}/setup-step-${n}-passed.png` });
    }
    await expect(page.getByTestId('step-1-summary')).toContainText('default.otel_traces');
    await expect(page.getByTestId('step-5-summary')).toContainText('ChatCompletion');
    // The sandbox is its own collector: step 2 says so instead of offering a docker run.
    await expect(page.getByTestId('no-collector-needed')).toBeVisible();
    await page.screenshot({ path: `${SCREENSHOTS}/setup-all-passed.png`, fullPage: true });
  });

  test('a profile pointing at closed ports fails each step with its cause and fix', async ({ page, app }) => {
    const keychain = await keychainAvailability();
    test.skip(!keychain.available, keychain.reason);
    await page.goto(app.launchUrl);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'ready');
    await page.getByRole('button', { name: 'New profile' }).click();
    const form = page.getByTestId('profile-form');
    // A new profile's addresses start empty, the examples only greyed in: nothing to mistake for a real server.
    await expect(form.locator('input[name="clickhouseUrl"]')).toHaveValue('');
    await expect(form.locator('input[name="clickhouseUrl"]')).toHaveAttribute('placeholder', 'https://clickhouse.example.com:8443');
    await form.locator('input[name="name"]').fill('Closed ports');
    // In a small window, from the keyboard: Enter in the first field.
    const size = page.viewportSize();
    await page.setViewportSize({ width: 800, height: 600 });
    await form.locator('input[name="name"]').press('Enter');
    // The error names the field as the form labels it, under that field, which is marked, focused and in sight.
    const otlp = form.locator('input[name="otlpEndpoint"]');
    await expect(form.getByRole('alert')).toBeInViewport();
    await expect(otlp).toBeInViewport();
    await expect(form.getByRole('alert')).toHaveText('Collector OTLP traces endpoint: must be a full URL such as https://otel.example.com/v1/traces');
    await expect(otlp).toHaveAttribute('aria-invalid', 'true');
    await expect(otlp).toBeFocused();
    await expect(otlp).toHaveAccessibleDescription(/Collector OTLP traces endpoint: must be a full URL/);
    await otlp.fill('http://127.0.0.1:9/v1/traces');
    await form.getByRole('button', { name: 'Create profile' }).click();
    await expect(form.getByRole('alert')).toHaveText('ClickHouse URL: must be a full URL such as https://clickhouse.example.com:8443');
    await expect(form.locator('input[name="clickhouseUrl"]')).toBeFocused();
    expect(await otlp.getAttribute('aria-invalid'), 'the fixed field is no longer marked').toBeNull();
    await expect(form.getByRole('alert')).toBeInViewport();
    await page.screenshot({ path: `${SCREENSHOTS}/profile-form-field-error.png` });
    if (size) await page.setViewportSize(size);
    await form.locator('input[name="clickhouseUrl"]').fill('http://127.0.0.1:9');
    await form.getByRole('button', { name: 'Create profile' }).click();
    await expect(page.getByTestId('profile-select')).toHaveValue(/closed-ports-/);
    await expect(page.getByRole('list', { name: 'Warnings' })).toContainText('local or private address');
    await expect(page.getByTestId('docker-run')).toContainText('-e CLICKHOUSE_PASSWORD="$CLICKHOUSE_PASSWORD"');

    // The password goes to the keychain; the page only learns that it is set.
    await page.getByTestId('secret-clickhousePassword').getByLabel('ClickHouse password').fill('hunter2-not-shown');
    await page.getByTestId('secret-clickhousePassword').getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('secret-clickhousePassword')).toContainText('stored in the keychain');
    await expect(page.getByTestId('secret-clickhousePassword').getByLabel('ClickHouse password')).toHaveValue('');

    await page.getByTestId('run-all').click();
    await expect(page.getByTestId('step-1').getByRole('status')).toHaveText('failed');
    await expect(page.getByTestId('step-1-summary')).toContainText('connection was refused');
    await expect(page.getByTestId('step-3-summary')).toContainText('connection was refused');
    await expect(page.getByTestId('step-4-summary')).toContainText('local or private address');
    await page.screenshot({ path: `${SCREENSHOTS}/setup-closed-ports.png`, fullPage: true });
    expect(await page.content()).not.toContain('hunter2-not-shown');
  });
});

/**
 * The gateway's three export protocols in Setup, against the sandbox: choosing one changes what
 * step 3 sends and what step 4 tells the user to enter in TrueFoundry, and the test trace lands
 * over it. The token is never put in the page: in the browser, "Copy token" says why it cannot.
 */
import { SCREENSHOTS, expect, openOnSandbox, test } from './fixtures.js';
import { keychainAvailability } from '../support/keychain.js';

const CASES = [
  { value: 'http/json', label: 'HTTP, encoding Json', step3: /accepted an OTLP\/JSON export at \/v1\/traces \(200\)/, tfy: ['HTTP', 'Json', 'Content-Type: application/json'], endpoint: /^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/ },
  { value: 'http/protobuf', label: 'HTTP, encoding Proto', step3: /accepted an OTLP\/protobuf export at \/v1\/traces \(200\)/, tfy: ['HTTP', 'Proto', 'Content-Type: application/x-protobuf'], endpoint: /^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/ },
  { value: 'grpc', label: 'gRPC', step3: /accepted an OTLP\/gRPC export at 127\.0\.0\.1:\d+ \(OK\)/, tfy: ['gRPC', 'off (plaintext)'], endpoint: /^127\.0\.0\.1:\d+$/ },
] as const;

test.describe('export protocols', () => {
  for (const c of CASES) {
    test(`over ${c.label}: step 3 passes, step 4 shows TrueFoundry's values, the test trace lands`, async ({ page, app }) => {
      await openOnSandbox(page, app.launchUrl);
      await page.getByTestId('protocol-choice').getByLabel(c.label).check();
      await expect(page.getByTestId('protocol-choice').getByLabel(c.label)).toBeChecked();

      await page.getByTestId('step-3').getByRole('button', { name: 'Run', exact: true }).click();
      await expect(page.getByTestId('step-3').getByRole('status')).toHaveText('passed');
      await expect(page.getByTestId('step-3-summary')).toHaveText(c.step3);

      const step4 = page.getByTestId('step-4');
      const values = step4.locator('dl.facts');
      for (const v of c.tfy) await expect(values).toContainText(v);
      const endpoint = values.locator('div', { has: page.locator('dt', { hasText: /^Endpoint$/ }) }).locator('code');
      await expect(endpoint).toHaveText(c.endpoint);
      await step4.screenshot({ path: `${SCREENSHOTS}/setup-truefoundry-${c.value.replace('/', '-')}.png` });

      await page.getByRole('link', { name: 'Health', exact: true }).click();
      await page.getByTestId('send-test-trace').click();
      await expect(page.getByTestId('test-trace').getByRole('status')).toHaveText('landed');
      await expect(page.getByTestId('test-trace-stages')).toContainText(c.value === 'grpc' ? 'OTLP/gRPC Export to 127.0.0.1:' : c.value === 'http/protobuf' ? 'OTLP/HTTP (protobuf) POST /v1/traces answered 200' : 'OTLP/HTTP (JSON) POST /v1/traces answered 200');
      if (c.value === 'grpc') await page.getByTestId('test-trace').screenshot({ path: `${SCREENSHOTS}/test-trace-grpc.png` });
      // The app (and its settings) are shared by the worker's tests: leave the sandbox on HTTP+JSON, saved.
      await page.getByRole('link', { name: 'Setup', exact: true }).click();
      await page.getByTestId('protocol-choice').getByLabel('HTTP, encoding Json').check();
      await expect(page.getByTestId('protocol-choice').locator('label.chosen')).toHaveText('HTTP, encoding Json');
    });
  }

  test('the token row copies nothing into the page in the browser, and says why', async ({ page, app }) => {
    const keychain = await keychainAvailability();
    test.skip(!keychain.available, keychain.reason);
    await openOnSandbox(page, app.launchUrl);
    // The sandbox profile's form is read-only; a copy of it takes a token.
    await page.getByRole('button', { name: 'Duplicate' }).click();
    const token = page.getByTestId('secret-otlpToken');
    await token.getByLabel('OTLP auth token').fill('tok-never-in-page-42');
    await token.getByRole('button', { name: 'Save' }).click();
    await expect(token).toContainText('stored in the keychain');
    const copy = page.getByTestId('copy-secret-otlpToken');
    await expect(copy).toBeVisible();
    await copy.click();
    await expect(page.getByTestId('step-4').getByRole('status').last()).toContainText('copying it would send it to this page');
    await page.getByTestId('step-4').screenshot({ path: `${SCREENSHOTS}/setup-truefoundry-token.png` });
    expect(await page.content()).not.toContain('tok-never-in-page-42');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
  });
});

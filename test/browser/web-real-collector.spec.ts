/**
 * The guide, walked in the page against the real OpenTelemetry Collector (ClickStack-shaped,
 * with a token) exporting into the app's own sandbox: the checks pass, and a test trace lands
 * after the collector's batch delay.
 */
import { randomUUID } from 'node:crypto';
import { collectorBinary, startCollector, type RunningCollector } from '../support/collector.js';
import { SCREENSHOTS, expect, openOnSandbox, test, createProfile } from './fixtures.js';
import { keychainAvailability } from '../support/keychain.js';

const binary = collectorBinary();
const missing = 'missing' in binary ? binary.missing : null;
if (missing) console.log(`real collector browser test skipped: ${missing}`);
const TOKEN = `otlp-${randomUUID()}`;
let collector: RunningCollector | undefined;

test.afterAll(async () => {
  await collector?.stop();
});

test('the setup checks and a test trace pass against the real collector', async ({ page, app }) => {
  test.skip(missing !== null, `skipped because ${missing}`);
  if ('missing' in binary) return; // narrows the type; test.skip has already ended the test
  const keychain = await keychainAvailability();
  test.skip(!keychain.available, keychain.reason);
  await openOnSandbox(page, app.launchUrl);
  const clickhouse = await page.locator('.endpoint', { hasText: 'ClickHouse HTTP' }).locator('code').innerText();
  collector = await startCollector(binary.path, { clickhouse: { url: clickhouse, database: 'default' }, token: TOKEN, createSchema: true });

  await createProfile(page, { name: 'Real collector', otlpEndpoint: collector.otlp, healthUrl: collector.health, clickhouseUrl: clickhouse });
  await page.getByRole('button', { name: 'Make active' }).click();
  await expect(page.getByRole('button', { name: 'Active', exact: true })).toBeDisabled();
  const token = page.getByTestId('secret-otlpToken');
  await token.getByLabel('OTLP auth token').fill(TOKEN);
  await token.getByRole('button', { name: 'Save' }).click();
  await expect(token).toContainText('stored in the keychain');

  await page.getByTestId('run-all').click();
  for (const n of [1, 2, 3]) await expect(page.getByTestId(`step-${n}`).getByRole('status')).toHaveText('passed', { timeout: 30_000 });
  await expect(page.getByTestId('step-2-summary')).toContainText('Server available');
  await page.screenshot({ path: `${SCREENSHOTS}/setup-real-collector.png`, fullPage: true });

  await page.getByRole('link', { name: 'Health', exact: true }).click();
  await page.getByLabel(/Use the gateway’s service name/).check();
  const clicked = Date.now();
  await page.getByTestId('send-test-trace').click();
  const card = page.getByTestId('test-trace');
  await expect(card.getByRole('status')).toHaveText('landed', { timeout: 60_000 });
  const wallSeconds = (Date.now() - clicked) / 1000;
  // The end-to-end time shown is the real one: the collector's batch flushes on its own 5 s timer,
  // which started at its last flush, so the trace waits anywhere up to 5 s, and never less than 0.
  const seconds = Number(/in ([\d.]+) s/.exec(await page.getByTestId('test-trace-summary').innerText())?.[1]);
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(wallSeconds + 0.1);
  expect(seconds).toBeLessThan(5 + 2);
  await card.screenshot({ path: `${SCREENSHOTS}/test-trace-real-collector.png` });
});

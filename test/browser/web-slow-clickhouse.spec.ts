/**
 * ClickHouse answering slowly (a delaying proxy in front of the app's own sandbox): the page
 * stays usable, says it is searching, and a newer search replaces a slow one.
 */
import { startDelayingProxy, type DelayingProxy } from '../support/delaying-proxy.js';
import { gatewayMix, otlpBody } from '../support/gateway-traffic.js';
import type { Page } from '@playwright/test';
import { SCREENSHOTS, expect, openOnSandbox, test, createProfile } from './fixtures.js';

let proxy: DelayingProxy | undefined;
/** The sandbox's OTLP/HTTP traces endpoint (the slow profile sends there too). */
let otlp = '';

test.afterAll(() => {
  proxy?.close();
});

/** The app on a profile whose ClickHouse is the sandbox's behind the delaying proxy (made once per app). */
async function onSlowProfile(page: Page, launchUrl: string) {
  otlp = await openOnSandbox(page, launchUrl);
  if (!proxy) {
    const clickhouse = await page.locator('.endpoint', { hasText: 'ClickHouse HTTP' }).locator('code').innerText();
    proxy = await startDelayingProxy(clickhouse);
  }
  proxy.delayMs = 0;
  const select = page.getByTestId('profile-select');
  if (await select.locator('option', { hasText: 'Slow ClickHouse' }).count()) {
    await select.selectOption({ label: 'Slow ClickHouse' });
  } else {
    await createProfile(page, { name: 'Slow ClickHouse', otlpEndpoint: otlp, clickhouseUrl: proxy.url });
  }
  // The chosen profile's buttons render a moment after the choice: wait for one of the two before reading which.
  await expect(page.getByRole('button', { name: /^(Active|Make active)$/ })).toBeVisible();
  const activate = page.getByRole('button', { name: 'Make active' });
  if (await activate.isVisible()) await activate.click();
  await expect(page.getByRole('button', { name: 'Active', exact: true })).toBeDisabled();
  return proxy;
}

test('a slow ClickHouse leaves the page usable, and a newer search replaces a slow one', async ({ page, app }) => {
  const proxy = await onSlowProfile(page, app.launchUrl);

  await page.getByRole('link', { name: 'Explore', exact: true }).click();
  const results = page.getByTestId('search-results');
  await expect(results).toHaveAttribute('data-query', '');
  await expect(results).toHaveAttribute('aria-busy', 'false');

  proxy.delayMs = 4_000;
  await page.getByTestId('search-input').fill('status:error');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByTestId('search-busy')).toHaveText('Searching…');
  await page.screenshot({ path: `${SCREENSHOTS}/explore-searching.png`, fullPage: true });

  // While ClickHouse is slow, the page still answers: another view opens and the app's own calls return.
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await page.getByRole('link', { name: 'Explore', exact: true }).click();

  // A newer search, once ClickHouse is quick again, is shown at once; the slow answer arriving later is dropped.
  await page.getByTestId('search-input').fill('status:error');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByTestId('search-busy')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Search', exact: true })).toBeEnabled(); // no waiting out a slow query
  proxy.delayMs = 0;
  await page.getByTestId('search-input').fill('name:"Network Call"');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(results).toHaveAttribute('data-query', 'name:"Network Call"', { timeout: 3_000 });
  // The slow search's answer comes back later; once the proxy has sent it, the page must still show the newer one.
  await expect.poll(() => proxy.inFlight, { timeout: 10_000 }).toBe(0);
  await page.waitForTimeout(300);
  await expect(results).toHaveAttribute('data-query', 'name:"Network Call"');
  await expect(results).toHaveAttribute('aria-busy', 'false');
});

test('a query that runs over a second shows its progress and stops on Cancel; Retry runs it again', async ({ page, app }) => {
  const proxy = await onSlowProfile(page, app.launchUrl);
  await page.getByRole('link', { name: 'Explore', exact: true }).click();
  const results = page.getByTestId('search-results');
  await expect(results).toHaveAttribute('aria-busy', 'false');

  proxy.delayMs = 6_000;
  await page.getByTestId('search-input').fill('status:error');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  // After a second each panel says it is reading (rows and bytes when the server reports them) and offers Cancel.
  const progress = page.getByTestId('list-progress');
  await expect(progress).toContainText(/Reading… .*\d+ s/, { timeout: 5_000 });
  await expect(page.getByTestId('summary-progress')).toContainText('Reading…');
  await page.screenshot({ path: `${SCREENSHOTS}/explore-progress.png`, fullPage: true });
  await progress.getByRole('button', { name: 'Cancel the search' }).click();
  // Cancelled, not failed: no error, and a Retry.
  const cancelled = page.getByTestId('list-cancelled');
  await expect(cancelled).toContainText('Cancelled');
  await expect(page.getByTestId('search-error')).toHaveCount(0);
  await expect(results).toHaveAttribute('aria-busy', 'false');
  // The summary of the same search stopped with it, and the count above the list is not this search's.
  await expect(page.getByTestId('summary-cancelled')).toContainText('Cancelled');
  await expect(page.getByTestId('result-count')).toContainText('loaded');
  await expect(page.getByTestId('result-count')).not.toHaveText(/requests, [\d,]+ loaded/);
  await page.screenshot({ path: `${SCREENSHOTS}/explore-cancelled.png`, fullPage: true });
  proxy.delayMs = 0;
  await cancelled.getByRole('button', { name: 'Retry the search' }).click();
  await expect(results).toHaveAttribute('data-query', 'status:error');
  await expect(results).toHaveAttribute('aria-busy', 'false');
  await expect(page.getByTestId('list-cancelled')).toHaveCount(0);
  await expect(page.getByTestId('summary-cancelled'), 'Retry asks the summary again too').toHaveCount(0);
});

test('a slow summary shows the newest part of the range first, says so, then the whole range', async ({ page, app }) => {
  const proxy = await onSlowProfile(page, app.launchUrl);
  // 600 requests over the last 55 minutes: the newest eighth of the hour holds about a seventh of them.
  const sent = gatewayMix(600, 4401, Date.now(), 55 * 60_000);
  for (let i = 0; i < sent.length; i += 200) expect((await page.request.post(otlp, { headers: { 'content-type': 'application/json' }, data: otlpBody(sent.slice(i, i + 200)) })).status()).toBe(200);
  await page.getByRole('link', { name: 'Explore', exact: true }).click();
  const summary = page.getByTestId('summary');
  await expect(summary).toHaveAttribute('aria-busy', 'false');
  const count = async () => Number((await page.getByTestId('summary-totals').innerText()).match(/^([\d,]+) requests?/)![1]!.replace(/,/g, ''));

  // Every ClickHouse answer 1.5 s late: the newest eighth of the hour takes seconds, so it is shown on its own first.
  proxy.delayMs = 1_500;
  await page.getByTestId('search-input').fill('status:ok');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const partial = page.getByTestId('summary-partial');
  await expect(partial).toHaveText(/^The newest \d+ min of 1 h so far; the rest of the range is being read\.$/, { timeout: 20_000 });
  await expect(summary).toHaveAttribute('data-partial', 'true');
  await expect(summary, 'a partial count is not given as the search’s count').not.toHaveAttribute('data-requests');
  await page.screenshot({ path: `${SCREENSHOTS}/explore-summary-partial.png`, fullPage: true });
  const newest = await count();
  await expect(summary).toHaveAttribute('data-query', 'status:ok', { timeout: 30_000 });
  await expect(partial).toHaveCount(0);
  await expect(summary).not.toHaveAttribute('data-partial');
  const whole = await count();
  expect(whole, 'the whole hour holds more requests than its newest eighth').toBeGreaterThan(newest);
  expect(newest).toBeGreaterThan(0);
  await page.screenshot({ path: `${SCREENSHOTS}/explore-summary-whole.png`, fullPage: true });
  proxy.delayMs = 0;
});

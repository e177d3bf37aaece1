/**
 * A bare word scans text, so the search stops going back at its row budget (set low here with
 * CLICKSTACK_TRAY_SCAN_BUDGET_ROWS: a browser test cannot fill the millions of rows of the real
 * one). The list says how far back it looked and never claims "no match" for a part it did not
 * read; "Search further back" goes on until the whole range is searched. Screenshots looked at.
 */
import { gatewayMix, otlpBody, type GenRequest } from '../support/gateway-traffic.js';
import { SCREENSHOTS, expect, openOnSandbox, test } from './fixtures.js';

test.use({ appGroup: 'search-further', appEnv: { CLICKSTACK_TRAY_SCAN_BUDGET_ROWS: '50' } });

const MIN = 60_000;
let sent: GenRequest[] = [];
let base = '';

test.beforeAll(async ({ browser, app }) => {
  const page = await browser.newPage();
  const otlp = await openOnSandbox(page, app.launchUrl);
  // 160 requests over the last 40 minutes: the first 5-minute slice holds only some of them.
  sent = gatewayMix(160, 4101, Date.now(), 40 * MIN);
  const res = await page.request.post(otlp, { headers: { 'content-type': 'application/json' }, data: otlpBody(sent) });
  expect(res.status()).toBe(200);
  base = app.launchUrl.replace(/\/\?token=.*$/, '');
  await page.close();
});

test('requests: the search says how far back it looked, and searching further reaches the whole range', async ({ page, app }) => {
  test.setTimeout(120_000);
  await openOnSandbox(page, app.launchUrl);
  await page.setViewportSize({ width: 1200, height: 800 });
  await page.goto(`${base}/#/explore?q=order&range=1h`);
  const results = page.getByTestId('search-results');
  const note = page.getByTestId('searched-back');
  await expect(note).toBeVisible();
  await expect(note).toContainText('This search scans text, so it stops after reading');
  await expect(note).toContainText('is not searched yet');
  await expect(page.getByText('No requests match in this range')).toHaveCount(0);
  await expect(page.getByTestId('list-end')).toHaveCount(0);
  // The summary of the same search counts every match (it is not bounded by the scan budget).
  await expect(results).toHaveAttribute('data-total', /^\d+$/);
  const first = Number(await results.getAttribute('data-count'));
  expect(first, 'the first step found fewer than every matching request').toBeLessThan(Number(await results.getAttribute('data-total')));
  await page.screenshot({ path: `${SCREENSHOTS}/search-further-requests.png` });

  // Scrolling does not read on past the budget: only the button does.
  const further = page.getByTestId('search-further');
  await further.focus();
  await page.keyboard.press('Enter');
  await expect.poll(async () => Number(await results.getAttribute('data-count'))).toBeGreaterThanOrEqual(first);
  for (let i = 0; i < 30 && (await note.count()) > 0; i++) {
    if (await further.isEnabled()) await further.click();
    await page.waitForTimeout(200);
  }
  await expect(note).toHaveCount(0);
  await expect(results).toHaveAttribute('data-complete', 'true');
  // Every request the summary counts for the same search is listed once the whole range is read.
  const total = await results.getAttribute('data-total');
  expect(Number(total)).toBeGreaterThan(first);
  await expect(results).toHaveAttribute('data-count', total!);
  await expect(page.getByTestId('list-end')).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/search-further-requests-done.png` });
});

test('spans: searching further asks for the part of the range not searched yet', async ({ page, app }) => {
  await openOnSandbox(page, app.launchUrl);
  await page.setViewportSize({ width: 800, height: 600 });
  await page.goto(`${base}/#/explore?q=order&range=1h&show=spans`);
  const note = page.getByTestId('searched-back');
  await expect(note).toBeVisible();
  await expect(page.getByText('No spans match in this range')).toHaveCount(0);
  await page.screenshot({ path: `${SCREENSHOTS}/search-further-spans-800x600.png` });
  await page.getByTestId('search-further').click();
  // The range becomes absolute and ends where the first search stopped.
  await expect.poll(() => new URL(page.url()).hash).toMatch(/[?&]to=\d+/);
  const to = Number(new URL(`http://x/${new URL(page.url()).hash.slice(2)}`).searchParams.get('to'));
  expect(to).toBeLessThan(Date.now() - 4 * MIN);
  await expect(page.getByTestId('search-results')).toHaveAttribute('data-mode', 'spans');
  await expect.poll(async () => Number(await page.getByTestId('search-results').getAttribute('data-count'))).toBeGreaterThan(0);
});

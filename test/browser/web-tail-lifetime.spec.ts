/**
 * A live tail lives as long as its page: three pages tail a profile whose ClickHouse sits behind a
 * counting proxy; once they are closed (without a word to the app, as a closed tab is), the app
 * stops asking ClickHouse for them within one poll. Only the pipeline's own freshness probe goes on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startCountingProxy, type CountingProxy } from '../support/counting-proxy.js';
import { ALERT_QUERY_MARKER } from '../../electron/core/alerts/alert-query.js';
import { SCREENSHOTS, expect, openOnSandbox, test, createProfile } from './fixtures.js';

// Its own app: the test makes a profile active that the other files do not expect.
test.use({ appGroup: 'tail-lifetime' });

/** The live tail polls every 2 s (TAIL_POLL_MS); "stops within one poll" leaves it that long, plus the request in flight. */
const ONE_POLL_MS = 2_000;
/** The pipeline's freshness probe (per-minute counts) and the alert rules' evaluation are no tail; everything else through the proxy is the pages' work. */
const notProbe = (sql: string) => !sql.includes('toStartOfMinute') && !sql.includes(ALERT_QUERY_MARKER);

let proxy: CountingProxy | undefined;
test.afterAll(() => proxy?.close());

test('closing the pages under live tails stops their ClickHouse polling', async ({ page, app, context }) => {
  test.setTimeout(120_000);
  const otlp = await openOnSandbox(page, app.launchUrl);
  const clickhouse = await page.locator('.endpoint', { hasText: 'ClickHouse HTTP' }).locator('code').innerText();
  proxy = await startCountingProxy(clickhouse);

  await createProfile(page, { name: 'Counted', otlpEndpoint: otlp, clickhouseUrl: proxy.url });
  await page.getByRole('button', { name: 'Make active' }).click();
  await expect(page.getByRole('button', { name: 'Active', exact: true })).toBeDisabled();

  // Three pages, each with its own live tail on the counted profile.
  const pages = [page, await context.newPage(), await context.newPage()];
  for (const p of pages) {
    if (p !== page) {
      await p.goto(app.launchUrl);
      await expect(p.locator('#root')).toHaveAttribute('data-app-state', 'ready');
    }
    await p.getByRole('link', { name: 'Live tail', exact: true }).click();
    await expect(p.getByTestId('tail-state')).toHaveText('Live');
  }
  await page.screenshot({ path: `${SCREENSHOTS}/tail-lifetime-live.png` });

  // While they are open, the tails poll: at least one request per tail and poll.
  const openFrom = Date.now();
  await sleep(4 * ONE_POLL_MS);
  const whileOpen = proxy.since(openFrom, notProbe).length;
  expect(whileOpen, 'three live tails poll ClickHouse').toBeGreaterThanOrEqual(3 * 3);

  // Closed as a tab is closed: the page says nothing, only its event stream goes away.
  for (const p of pages) await p.close({ runBeforeUnload: false });
  const closedAt = Date.now();
  await sleep(ONE_POLL_MS + 1_000);
  const settled = Date.now();
  await sleep(20_000);
  const after = proxy.since(settled, notProbe);
  console.log(`ClickHouse requests through the proxy: ${whileOpen} in ${4 * ONE_POLL_MS / 1000} s with three tails open; ` +
    `${proxy.since(closedAt, notProbe).length} in the ${(settled - closedAt) / 1000} s after closing; ${after.length} in the 20 s after that`);
  expect(after.map((s) => s.sql), 'no tail polls ClickHouse once its page is gone').toEqual([]);
});

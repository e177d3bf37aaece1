/**
 * Explore and Live tail as the daily tool, with 1,300 gateway requests in the last hour: the view's
 * state in the URL (reload, Back/Forward), the list and the summary answering the same search and
 * range, the trace drawer beside the list, the keyboard alone, paging back to the oldest request,
 * and no sideways scrolling at 800×600. Screenshots in test-results/screenshots.
 */
import type { Locator, Page } from '@playwright/test';
import { gatewayMix, otlpBody, type GenRequest } from '../support/gateway-traffic.js';
import { SCREENSHOTS, expect, openOnSandbox, test } from './fixtures.js';

// 1,300 requests would crowd the other files' tables: this file gets an app and sandbox of its own.
test.use({ appGroup: 'explore-traffic' });

const MIN = 60_000;
let sent: GenRequest[] = [];
let recent: GenRequest[] = [];
let base = '';

/** 1,000 requests 25–50 min ago and 300 in the last 2–12 min: "Last 15m" holds exactly the 300. */
async function fill(page: Page, otlp: string) {
  const now = Date.now();
  const older = gatewayMix(1_000, 2301, now - 25 * MIN + 5 * MIN, 25 * MIN);
  recent = gatewayMix(300, 2302, now - 2 * MIN + 5 * MIN, 15 * MIN);
  sent = [...older, ...recent];
  for (let i = 0; i < sent.length; i += 250) {
    const res = await page.request.post(otlp, { headers: { 'content-type': 'application/json' }, data: otlpBody(sent.slice(i, i + 250)) });
    expect(res.status()).toBe(200);
  }
}

/** The page's hash, as the address bar has it. */
const hash = (page: Page) => new URL(page.url()).hash;

/** Scrolls the list to its end until the last page has come (the cursor said there is no older one). */
async function scrollToOldest(page: Page, grid: Locator, results: Locator) {
  await grid.hover();
  for (let i = 0; i < 40 && (await results.getAttribute('data-complete')) !== 'true'; i++) {
    await page.mouse.wheel(0, 20_000);
    await page.waitForTimeout(150);
  }
  await expect(results).toHaveAttribute('data-complete', 'true');
}

const noSidewaysScroll = (page: Page) => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');

test.beforeAll(async ({ browser, app }) => {
  const page = await browser.newPage();
  const otlp = await openOnSandbox(page, app.launchUrl);
  await fill(page, otlp);
  base = app.launchUrl.replace(/\/\?token=.*$/, '');
  await page.close();
});

test('the search, range, summary tab and open trace live in the URL: reload, Back and Forward restore them', async ({ page, app }) => {
  await openOnSandbox(page, app.launchUrl);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByRole('link', { name: 'Explore', exact: true }).click();
  const results = page.getByTestId('search-results');
  await expect(results).toHaveAttribute('data-query', '');

  await page.getByTestId('search-input').fill('status:error');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(results).toHaveAttribute('data-query', 'status:error');
  await page.getByTestId('range').selectOption('6h');
  await page.getByRole('tab', { name: 'Users' }).click();
  await expect(page).toHaveURL(/q=status%3Aerror/);
  expect(hash(page)).toContain('range=6h');
  expect(hash(page)).toContain('tab=users');
  const firstRow = page.getByTestId('request-row').first();
  await firstRow.click();
  await expect(page.getByTestId('drawer').getByTestId('trace-view')).toBeVisible();
  // The span picked in the waterfall is part of the address too.
  const drawer = page.getByTestId('drawer');
  const lastRow = drawer.getByTestId('wf-row').last();
  await lastRow.click();
  await expect(page).toHaveURL(/span=[0-9a-f]{16}/);
  const spanId = /span=([0-9a-f]{16})/.exec(hash(page))![1]!;
  await expect(drawer.getByTestId('span-panel')).toHaveAttribute('data-span-id', spanId);
  const withTrace = hash(page);
  expect(withTrace).toMatch(/trace=[0-9a-f]{32}/);

  // A reload, and the same address pasted into a fresh page, restore all of it.
  for (const load of [() => page.reload()]) {
    await load();
    await expect(page.getByTestId('search-input')).toHaveValue('status:error');
    await expect(page.getByTestId('range')).toHaveValue('6h');
    await expect(page.getByRole('tab', { name: 'Users' })).toHaveAttribute('aria-selected', 'true');
    await expect(results).toHaveAttribute('data-query', 'status:error');
    await expect(page.getByTestId('drawer').getByTestId('span-panel')).toHaveAttribute('data-span-id', spanId);
  }
  await page.screenshot({ path: `${SCREENSHOTS}/explore-url-restored.png` });

  // Back closes the drawer, and goes on to the earlier search; Forward brings them back.
  await page.goBack();
  await expect(page.getByTestId('drawer')).toHaveCount(0);
  expect(hash(page)).not.toContain('trace=');
  await page.goBack();
  await expect(page.getByRole('tab', { name: 'Models' })).toHaveAttribute('aria-selected', 'true');
  await page.goBack();
  await expect(page.getByTestId('range')).toHaveValue('1h');
  await page.goBack();
  await expect(page.getByTestId('search-input')).toHaveValue('');
  await expect(results).toHaveAttribute('data-query', '');
  await page.goForward();
  await expect(page.getByTestId('search-input')).toHaveValue('status:error');
  await expect(results).toHaveAttribute('data-query', 'status:error');

  // The same address pasted into a fresh page restores it too.
  const fresh = await page.context().newPage();
  await fresh.goto(`${base}/${withTrace}`);
  await expect(fresh.getByTestId('search-input')).toHaveValue('status:error');
  await expect(fresh.getByTestId('range')).toHaveValue('6h');
  await expect(fresh.getByRole('tab', { name: 'Users' })).toHaveAttribute('aria-selected', 'true');
  await expect(fresh.getByTestId('drawer').getByTestId('span-panel')).toHaveAttribute('data-span-id', spanId);
  await fresh.close();

  // The addresses the app used before keep working: a trace, and an alert's search with its window.
  const traceId = sent[5]!.traceId;
  await page.goto(`${base}/#/explore/trace/${traceId}@${sent[5]!.startMs}`);
  await expect(page.getByTestId('drawer').getByTestId('trace-view')).toContainText(traceId);
  expect(hash(page)).toContain(`trace=${traceId}`);
  const from = Date.now() - 15 * MIN;
  await page.goto(`${base}/#/explore/?q=${encodeURIComponent('status:error')}&from=${from}&to=${Date.now()}`);
  await expect(results).toHaveAttribute('data-query', 'status:error');
  await expect(page.getByTestId('range')).toContainText('–');
  for (const view of ['setup', 'health', 'tail', 'settings']) {
    await page.goto(`${base}/#/${view}`);
    await expect(page.locator('.sidebar a[aria-current="page"]')).toHaveAttribute('href', new RegExp(`#/${view}$`));
  }
});

test('the list and the summary answer the same search and range, and the list reaches the oldest request', async ({ page, app }) => {
  test.setTimeout(120_000);
  await openOnSandbox(page, app.launchUrl);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${base}/#/explore`);
  const results = page.getByTestId('search-results');
  const summary = page.getByTestId('summary');
  const grid = page.getByRole('grid', { name: 'Requests' });

  // Every request of the last hour: 1,300, counted by the summary, 200 loaded, then all of them by scrolling.
  await expect(summary).toHaveAttribute('data-requests', String(sent.length));
  await expect(results).toHaveAttribute('data-total', String(sent.length));
  await expect(page.getByTestId('result-count')).toHaveText('1,300 requests, 200 loaded');
  await page.screenshot({ path: `${SCREENSHOTS}/explore-1440.png` });
  await scrollToOldest(page, grid, results);
  await expect(results).toHaveAttribute('data-count', String(sent.length));
  await expect(page.getByTestId('result-count')).toHaveText('1,300 requests');
  await expect(page.getByTestId('list-end')).toBeVisible();
  // The last row is the oldest request sent.
  const oldest = [...sent].sort((a, b) => a.startMs - b.startMs)[0]!;
  const oldestTime = new Date(oldest.startMs).toLocaleTimeString('en-GB', { hour12: false });
  await page.mouse.wheel(0, 50_000);
  await expect(page.locator(`[data-testid="request-row"][aria-rowindex="${sent.length + 1}"]`)).toContainText(oldestTime);
  await page.screenshot({ path: `${SCREENSHOTS}/explore-oldest.png` });

  // A range change re-runs the list and the summary together: the last 15 minutes hold the 300 recent ones.
  await page.getByTestId('range').selectOption('15m');
  await expect(summary).toHaveAttribute('data-requests', String(recent.length));
  await expect(results).toHaveAttribute('data-total', String(recent.length));
  await scrollToOldest(page, grid, results);
  await expect(results).toHaveAttribute('data-count', String(recent.length));

  // A search re-runs both: the summary describes the searched requests, and the list pages through the same ones.
  await page.getByTestId('range').selectOption('1h');
  await page.getByTestId('search-input').fill('status:error');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(summary).toHaveAttribute('data-query', 'status:error');
  const failing = Number(await summary.getAttribute('data-requests'));
  expect(failing).toBeGreaterThan(0);
  expect(failing).toBeLessThan(sent.length);
  await expect(results).toHaveAttribute('data-total', String(failing));
  await scrollToOldest(page, grid, results);
  await expect(results).toHaveAttribute('data-count', String(failing));
  for (const status of await page.getByTestId('request-row').locator('[role="gridcell"]:nth-child(4)').allInnerTexts()) expect(status).toMatch(/error/);
  await expect(page.getByTestId('summary-as-of')).toBeVisible();
  await expect(page.getByTestId('list-as-of')).toBeVisible();

  // A bad search replaces the results with its error instead of leaving the old rows under it.
  await page.getByTestId('search-input').fill('(status:error');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByTestId('search-error')).toContainText('never closed');
  await expect(page.getByTestId('request-row')).toHaveCount(0);
  // The error stands where the rows were, with no empty table under it.
  await expect(grid).toHaveCount(0);
  // A search that finds nothing says so where the rows would be, in sight in a small window.
  await page.setViewportSize({ width: 800, height: 600 });
  await page.getByTestId('search-input').fill('model:"no-such-model"');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByTestId('no-results')).toBeInViewport();
  await expect(page.getByTestId('no-results')).toContainText('No requests match in this range');
  await page.setViewportSize({ width: 1440, height: 900 });
  // In SQL mode the error points into what the user typed, not into the SQL built around it.
  await page.getByTestId('language-sql').click();
  await page.getByTestId('search-input').fill("StatusCode = 'Error' AND AND Duration > 1");
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByTestId('search-error')).toContainText('("Duration"). (at character 30)');
  await page.screenshot({ path: `${SCREENSHOTS}/explore-sql-error.png` });
});

test('a trace opens in a drawer beside the list, which keeps its scroll; the keyboard alone drives it', async ({ page, app }) => {
  await openOnSandbox(page, app.launchUrl);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${base}/#/explore`);
  const grid = page.getByRole('grid', { name: 'Requests' });
  await expect(page.getByTestId('result-count')).toHaveText('1,300 requests, 200 loaded');
  await grid.hover();
  await page.mouse.wheel(0, 1_500);
  await expect.poll(() => grid.evaluate((el) => (el as unknown as { scrollTop: number }).scrollTop)).toBeGreaterThan(1_000);
  const scrolled = await grid.evaluate((el) => (el as unknown as { scrollTop: number }).scrollTop);
  // A row in the middle of what is in view (rows are 28 px; the header row is aria-rowindex 1).
  const row = page.locator(`[data-testid="request-row"][aria-rowindex="${Math.floor(scrolled / 28) + 8}"]`);
  await row.click();
  const drawer = page.getByTestId('drawer');
  await expect(drawer.getByTestId('trace-view')).toBeVisible();
  // The list is still in view beside the drawer, scrolled where it was, its open row marked.
  const [listBox, drawerBox] = [await grid.boundingBox(), await drawer.boundingBox()];
  expect(listBox!.x + listBox!.width).toBeLessThanOrEqual(drawerBox!.x);
  expect(listBox!.width).toBeGreaterThan(400);
  expect(await grid.evaluate((el) => (el as unknown as { scrollTop: number }).scrollTop)).toBe(scrolled);
  await expect(page.locator('[data-testid="request-row"][aria-current="true"]')).toHaveCount(1);
  await expect(drawer.getByTestId('wf-row').first()).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/explore-drawer-1440.png` });
  // The summary under the narrowed list keeps each model's cost in sight (its medians give way).
  const summaryBox = (await page.getByTestId('summary').boundingBox())!;
  const costBox = (await page.getByTestId('model-cost').first().boundingBox())!;
  expect(costBox.x + costBox.width, 'the cost column ends inside the summary').toBeLessThanOrEqual(summaryBox.x + summaryBox.width);
  await expect(page.getByTestId('models-table').getByRole('columnheader', { name: 'Cost' })).toBeVisible();
  const fits = await page.getByTestId('models-table').evaluate((t) => { const box = t.closest('.table-scroll')!; return box.scrollWidth <= box.clientWidth + 1; });
  expect(fits, 'the models table scrolls sideways beside the drawer').toBe(true);

  // Keyboard only: Escape closes and gives the list the focus; ↓/j move the selection, Enter opens, the drawer follows.
  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);
  await expect(grid).toBeFocused();
  await page.keyboard.press('/');
  await expect(page.getByTestId('search-input')).toBeFocused();
  await page.keyboard.type('status:error');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('search-results')).toHaveAttribute('data-query', 'status:error');
  // ↓ in the search box goes straight to the results, on their first row (not past the toolbar's seven controls).
  await page.keyboard.press('ArrowDown');
  await expect(grid).toBeFocused();
  const active = page.locator('[data-testid="request-row"][aria-selected="true"]');
  await expect(active).toHaveAttribute('aria-rowindex', '2');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('j');
  await expect(active).toHaveAttribute('aria-rowindex', '4');
  expect(await grid.getAttribute('aria-activedescendant')).toBe(await active.getAttribute('id'));
  await page.keyboard.press('Enter');
  await expect(drawer.getByTestId('trace-view')).toBeVisible();
  const opened = /trace=([0-9a-f]{32})/.exec(hash(page))![1]!;
  await expect(drawer.getByTestId('trace-view')).toContainText(opened);
  await grid.focus();
  await page.keyboard.press('j');
  await expect.poll(() => /trace=([0-9a-f]{32})/.exec(hash(page))?.[1]).not.toBe(opened);
  const followed = /trace=([0-9a-f]{32})/.exec(hash(page))![1]!;
  await expect(drawer.getByTestId('trace-view')).toContainText(followed);
  await page.keyboard.press('k');
  await expect.poll(() => /trace=([0-9a-f]{32})/.exec(hash(page))?.[1]).toBe(opened);
  await page.screenshot({ path: `${SCREENSHOTS}/explore-keyboard.png` });
  // From the list, Tab goes into the open trace before the summary below the list.
  const inDrawer = () => drawer.evaluate((el) => el.contains((globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement as never));
  const inSummary = () => page.getByTestId('summary').evaluate((el) => el.contains((globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement as never));
  let tabs = 0;
  for (; tabs < 10 && !(await inDrawer()); tabs++) {
    expect(await inSummary(), 'Tab reached the summary before the trace').toBe(false);
    await page.keyboard.press('Tab');
  }
  expect(await inDrawer(), `the trace within ${tabs} Tabs of the list`).toBe(true);
  await grid.focus();
  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);
});

test('Live tail: a row opens in the drawer from the keyboard, and the tail keeps running', async ({ page, app }) => {
  const otlp = await openOnSandbox(page, app.launchUrl);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByRole('link', { name: 'Live tail', exact: true }).click();
  await expect(page.getByTestId('tail-state')).toHaveText('Live');
  const rate = page.getByTestId('tail-rate');
  const post = async (n: number, seed: number) => {
    const res = await page.request.post(otlp, { headers: { 'content-type': 'application/json' }, data: otlpBody(gatewayMix(n, seed, Date.now() + 4 * MIN, 5 * MIN)) });
    expect(res.status()).toBe(200);
  };
  const before = Number(await rate.getAttribute('data-received'));
  await post(20, 77);
  await expect.poll(async () => Number(await rate.getAttribute('data-received'))).toBeGreaterThan(before);
  const grid = page.getByRole('grid', { name: 'Live requests' });
  await page.keyboard.press('/');
  await expect(page.getByTestId('tail-filter')).toBeFocused();
  // ↓ in the filter box goes to the rows, on the newest.
  await page.keyboard.press('ArrowDown');
  await expect(grid).toBeFocused();
  await expect(grid.locator('[role="row"][aria-selected="true"]')).toHaveAttribute('aria-rowindex', '2');
  await page.keyboard.press('Enter');
  const drawer = page.getByTestId('drawer');
  await expect(drawer.getByTestId('trace-view')).toBeVisible();
  expect(hash(page)).toMatch(/^#\/tail\?.*trace=[0-9a-f]{32}/);
  // Still the tail, still live: new spans keep coming in while the trace is open.
  const during = Number(await rate.getAttribute('data-received'));
  await post(10, 78);
  await expect.poll(async () => Number(await rate.getAttribute('data-received'))).toBeGreaterThan(during);
  await expect(page.getByTestId('tail-state')).toHaveText('Live');
  await page.screenshot({ path: `${SCREENSHOTS}/tail-drawer-1440.png` });
  await grid.focus();
  await page.keyboard.press('j');
  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);
  await expect(page.getByTestId('tail-state')).toHaveText('Live');

  // A filter: the rows are the matching spans grouped by request, and the page says so.
  await page.getByTestId('tail-filter').fill('status:error');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('tail-filtered-requests')).toContainText("each row holds only the request's spans that match it");
  // A filter that does not parse: its error, and none of the rows of the filter before under it.
  await expect(page.getByTestId('request-row').first()).toBeVisible();
  await page.getByTestId('tail-filter').fill('model:(');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByTestId('request-row')).toHaveCount(0);
});

test('at 800×600 no view scrolls sideways; the sidebar keeps icons; the drawer takes the width', async ({ page, app }) => {
  await openOnSandbox(page, app.launchUrl);
  await page.setViewportSize({ width: 800, height: 600 });
  for (const view of ['setup', 'health', 'tail', 'explore', 'settings']) {
    await page.goto(`${base}/#/${view}`);
    await expect(page.locator('.sidebar a[aria-current="page"]')).toBeVisible();
    if (view === 'explore') await expect(page.getByTestId('request-row').first()).toBeVisible();
    if (view === 'tail') await expect(page.getByTestId('tail-state')).toHaveText('Live');
    await page.waitForTimeout(300);
    expect(await noSidewaysScroll(page), `${view} scrolls sideways at 800×600`).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}/small-${view}.png` });
  }
  // The sidebar's names are gone from sight but not from the links.
  await expect(page.getByRole('link', { name: 'Live tail', exact: true })).toBeVisible();
  expect((await page.locator('.sidebar').boundingBox())!.width).toBeLessThan(80);
  // Explore with the trace open, and each summary tab.
  await page.goto(`${base}/#/explore`);
  // Keyboard only: the drawer covers the list here, so it takes the focus, and Tab stays out of the list it hides.
  const grid = page.getByRole('grid', { name: 'Requests' });
  await page.getByTestId('request-row').first().click();
  await page.keyboard.press('Escape');
  await expect(grid).toBeFocused();
  await page.keyboard.press('Enter');
  const drawer = page.getByTestId('drawer');
  await expect(drawer.getByTestId('wf-row').first()).toBeVisible();
  await expect(drawer).toBeFocused();
  const focusIn = (sel: string) => page.evaluate((s) => Boolean((globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document.activeElement?.closest(s)), sel);
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    expect(await focusIn('.list-column'), 'Tab went behind the drawer, into the list it covers').toBe(false);
  }
  expect(await noSidewaysScroll(page)).toBe(true);
  await page.screenshot({ path: `${SCREENSHOTS}/small-explore-drawer.png` });
  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);
  await expect(grid, 'closing gives the list the focus back').toBeFocused();
  for (const tab of ['Models', 'Users', 'MCP tools', 'Over time']) {
    await page.getByRole('tab', { name: tab }).click();
    expect(await noSidewaysScroll(page), `the ${tab} tab scrolls sideways`).toBe(true);
  }
  await expect(page.getByTestId('summary')).toHaveAttribute('aria-busy', 'false');
  await page.getByTestId('summary').screenshot({ path: `${SCREENSHOTS}/small-summary.png` });
});

test('the summary tabs are one tab stop: ←/→ and Home/End move between them and select', async ({ page, app }) => {
  await openOnSandbox(page, app.launchUrl);
  await page.goto(`${base}/#/explore`);
  const tab = (name: string) => page.getByRole('tab', { name, exact: true });
  await tab('Models').focus();
  await page.keyboard.press('ArrowRight');
  await expect(tab('Users')).toBeFocused();
  await expect(tab('Users')).toHaveAttribute('aria-selected', 'true');
  await expect(page).toHaveURL(/tab=users/);
  await page.keyboard.press('End');
  await expect(tab('Over time')).toBeFocused();
  await expect(tab('Over time')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowRight');
  await expect(tab('Models'), '→ on the last tab wraps to the first').toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(tab('Over time')).toBeFocused();
  await page.keyboard.press('Home');
  await expect(tab('Models')).toHaveAttribute('aria-selected', 'true');
  // One tab stop: Tab leaves the list of tabs rather than walking through it.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('role'))).not.toBe('tab');
});

test('a bare word that finds nothing says where it looked, and the field that finds it', async ({ page, app }) => {
  await openOnSandbox(page, app.launchUrl);
  await page.goto(`${base}/#/explore`);
  const results = page.getByTestId('search-results');
  await page.getByTestId('search-input').fill('alice');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(results).toHaveAttribute('data-query', 'alice');
  await expect(page.getByTestId('no-results')).toBeVisible();
  const hint = page.getByTestId('bare-word-hint');
  await expect(hint).toContainText('A bare word looks in span names');
  await expect(hint).toContainText('“alice”');
  await expect(hint.locator('code', { hasText: 'user:alice' })).toBeVisible();
  await results.screenshot({ path: `${SCREENSHOTS}/explore-bare-word-hint.png` });
  // A wildcard word is named as typed: quoted, user:"ali*" would look for the star itself.
  await page.getByTestId('search-input').fill('ali*');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(results).toHaveAttribute('data-query', 'ali*');
  await expect(page.getByTestId('bare-word-hint').locator('code', { hasText: 'user:ali*' })).toBeVisible();
  // Beside a field term the word may not be why nothing matched: no hint blames it.
  await page.getByTestId('search-input').fill('alice status:error');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(results).toHaveAttribute('data-query', 'alice status:error');
  await expect(page.getByTestId('no-results')).toBeVisible();
  await expect(page.getByTestId('bare-word-hint')).toHaveCount(0);
  // The field it names finds the requests the word did not.
  await page.getByTestId('search-input').fill('user:alice');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(results).toHaveAttribute('data-query', 'user:alice');
  await expect(page.getByTestId('request-row').first()).toBeVisible();
  expect(recent.some((r) => r.user.includes('alice'))).toBe(true);
  await expect(page.getByTestId('bare-word-hint')).toHaveCount(0);
});

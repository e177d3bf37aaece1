/**
 * The trace waterfall at HyperDX's limit, in Chromium on the real sandbox: a 50,000-span trace
 * (inserted through the sandbox's ClickHouse HTTP endpoint) opens with only the visible rows in
 * the DOM, scrolls to its last span, collapses, filters by name and by attribute, is driven by
 * the keyboard alone, and marks its failed spans in text. Screenshots at 1440×900 and 800×600.
 */
import type { Page } from '@playwright/test';
import { SCREENSHOTS, expect, openOnSandbox, test } from './fixtures.js';
import { WIDE_TRACE_FAILURE, lastWideSpan, wideSpanFailed, wideSpanName, wideTraceSql } from '../support/wide-trace.js';

// 50,000 spans of its own: its own app and sandbox, so no other test's counts move.
test.use({ appGroup: 'waterfall' });

const SPANS = 50_000;

/** The page scrolls sideways by this many px (0: it fits). */
const sideways = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

test('a 50,000-span trace: virtual rows, the last span reachable, collapse, filter, keyboard, failures marked', async ({ page, app }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openOnSandbox(page, app.launchUrl);
  const clickhouse = await page.locator('.endpoint', { hasText: 'ClickHouse HTTP' }).locator('code').innerText();
  const { traceId, sql } = wideTraceSql(SPANS);
  const inserted = await page.request.post(clickhouse, { data: sql, headers: { 'content-type': 'text/plain' } });
  expect(inserted.status(), await inserted.text()).toBe(200);

  await page.goto(`${app.launchUrl.replace(/\/\?token=.*$/, '')}/#/explore/trace/${traceId}`);
  const view = page.getByTestId('trace-view');
  const grid = view.getByRole('treegrid', { name: 'Waterfall' });
  const row = (name: string) => grid.getByTestId('wf-row').filter({ has: page.locator('.wf-label', { hasText: new RegExp(`^${name}$`) }) });
  await expect(grid).toHaveAttribute('data-rows', String(SPANS), { timeout: 60_000 });
  await expect(page.locator('#root')).toHaveAttribute('data-trace-state', 'rendered');
  await expect(view.getByTestId('trace-counts')).toContainText('50,000 spans');
  await expect(view.getByTestId('trace-cut')).toHaveCount(0);
  // Only the rows in view are in the DOM.
  expect(await grid.getByTestId('wf-row').count()).toBeLessThan(80);
  await expect(grid.getByTestId('wf-row').first()).toContainText('ChatCompletion');
  expect(await sideways(page)).toBe(0);
  await page.screenshot({ path: `${SCREENSHOTS}/waterfall-50k-1440.png` });

  // Scrolling to the bottom reaches the last span in depth-first order.
  const scrollGrid = (to: 'top' | 'bottom') =>
    page.evaluate<number>(`(() => { const el = document.querySelector('[data-testid="waterfall"]'); el.scrollTop = ${to === 'top' ? '0' : 'el.scrollHeight'}; return el.scrollTop; })()`);
  expect(await scrollGrid('bottom')).toBeGreaterThan(SPANS * 20);
  await expect(row(wideSpanName(lastWideSpan(SPANS)))).toHaveAttribute('aria-rowindex', String(SPANS + 1));
  await scrollGrid('top');

  // Collapse: step 1's subtree (step 5, its first child, and below) goes; the row after step 1 is its sibling step 2.
  const rowNames = async () => (await grid.getByTestId('wf-row').locator('.wf-label').allInnerTexts()).slice(0, 4);
  expect(await rowNames()).toEqual(['ChatCompletion', 'step 1', 'step 5', 'step 21']);
  await grid.getByRole('button', { name: 'Collapse step 1', exact: true }).click();
  expect(await rowNames()).toEqual(['ChatCompletion', 'step 1', 'step 2', 'step 9']);
  expect(Number(await grid.getAttribute('data-rows'))).toBeLessThan(SPANS);
  await grid.getByRole('button', { name: 'Expand step 1', exact: true }).click();
  await expect(grid).toHaveAttribute('data-rows', String(SPANS));

  // Filter by name, then by an attribute (key=value text), then by service.
  const filterBox = view.getByLabel('Filter spans in this trace');
  await filterBox.fill('step 4999');
  await expect(grid).toHaveAttribute('data-rows', '11');
  await expect(view.getByTestId('trace-counts')).toContainText('11 of 50,000 spans');
  await filterBox.fill('tool.name=tool-7');
  await expect(grid).toHaveAttribute('data-rows', String(SPANS / 50));
  await filterBox.fill('tool-runner');
  await expect(grid).toHaveAttribute('data-rows', String(SPANS / 10));

  // A failed span is marked in text, not colour alone, and its detail says why.
  const failed = Array.from({ length: 2000 }, (_, i) => i).find((i) => wideSpanFailed(i))!;
  await filterBox.fill(`step ${failed}`);
  const failedRow = row(`step ${failed}`);
  await expect(failedRow.getByTestId('wf-failed')).toHaveText('⚠ error');
  await failedRow.click();
  const panel = view.getByTestId('span-panel');
  await expect(panel.getByRole('heading')).toHaveText(`step ${failed}`);
  await expect(panel).toContainText(WIDE_TRACE_FAILURE);
  await expect(panel).toContainText('⚠ error');
  await page.screenshot({ path: `${SCREENSHOTS}/waterfall-50k-failed-1440.png` });

  // Keyboard only: Tab from the filter into the grid, arrows move, ← collapses then goes to the parent, Enter opens the detail.
  await filterBox.fill('');
  await expect(grid).toHaveAttribute('data-rows', String(SPANS));
  await filterBox.focus();
  await page.keyboard.press('Tab');
  await expect(grid).toBeFocused();
  const active = async () => page.locator(`[id="${await grid.getAttribute('aria-activedescendant')}"] .wf-label`).innerText();
  await page.keyboard.press('Home');
  expect(await active()).toBe('ChatCompletion');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  expect(await active()).toBe('step 5');
  await page.keyboard.press('ArrowLeft');
  await expect(row('step 5')).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('ArrowDown');
  expect(await active()).toBe('step 6');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowRight');
  await expect(row('step 5')).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  expect(await active()).toBe('step 1');
  await page.keyboard.press('Enter');
  await expect(panel.getByRole('heading')).toHaveText('step 1');
  await expect(row('step 1')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  expect(await active()).toBe(wideSpanName(lastWideSpan(SPANS)));
  await page.screenshot({ path: `${SCREENSHOTS}/waterfall-50k-keyboard-1440.png` });

  // A small window: nothing scrolls sideways, the detail goes under the waterfall.
  await page.setViewportSize({ width: 800, height: 600 });
  await page.keyboard.press('Home');
  await expect(grid.getByTestId('wf-row').first()).toBeVisible();
  expect(await sideways(page)).toBe(0);
  await page.screenshot({ path: `${SCREENSHOTS}/waterfall-50k-800.png` });
});

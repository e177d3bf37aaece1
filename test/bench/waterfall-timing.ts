/**
 * The waterfall's timings, taken inside the page with performance.now() so no Playwright round
 * trip is counted: from the hash change to the first frame after the view says it rendered, and
 * from a collapse click or a filter keystroke to the first frame after the view applied it (the
 * tree grid's data-rows / data-filter). Page functions are strings: bench files are typed without the DOM lib.
 */
import type { Page } from 'playwright';

export interface RenderTiming {
  totalMs: number;
  /** From the address change to the traces.get call going out (routing, the drawer, the view mounting). */
  beforeCallMs: number;
  /** The traces.get call alone (server, transfer), from the browser's resource timing. */
  fetchMs: number;
  rowsInDom: number;
  /** Other app calls made while the trace opened (Explore's own queries share the engine with the trace's). */
  otherCalls: string[];
}

/** Resolves on the first frame after `done()` holds (checked each frame), with the ms since t0. */
const UNTIL_FRAME = `
  const untilFrame = (t0, done) => new Promise((resolve, reject) => {
    const limit = t0 + 60000;
    const check = () => {
      if (done()) requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
      else if (performance.now() > limit) reject(new Error('the waterfall did not get there within 60 s'));
      else requestAnimationFrame(check);
    };
    check();
  });`;

/**
 * Opens the trace as a click in Explore does: Explore's list and summary loaded first (so their
 * queries do not share the engine with the trace's), then the trace's address, which opens the drawer.
 */
export async function renderOnce(page: Page, baseUrl: string, traceId: string): Promise<RenderTiming> {
  await page.goto(`${baseUrl}/#/explore`);
  await page.waitForSelector('#root[data-app-state="ready"]');
  for (const list of ['search-results', 'summary']) {
    await page.waitForSelector(`[data-testid="${list}"][aria-busy="false"]`, { timeout: 120_000 }).catch(() => console.log(`(Explore's ${list} did not settle; timing the trace anyway)`));
  }
  return page.evaluate(`(async () => {
    ${UNTIL_FRAME}
    performance.clearResourceTimings();
    const root = document.getElementById('root');
    const t0 = performance.now();
    // As a click on a row opens it: with the row's time (at), which also makes each open its own
    // query — the page caches a trace it has shown, and a reopen would not be timed at all.
    location.hash = '#/explore/trace/${traceId}@' + Date.now();
    const totalMs = await untilFrame(t0, () => root.getAttribute('data-trace-state') === 'rendered' && root.querySelector('[data-testid="wf-row"]') !== null);
    const calls = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/call/'));
    const call = calls.filter((e) => e.name.includes('/api/call/traces.get')).pop();
    const otherCalls = calls.filter((e) => e !== call).map((e) => e.name.split('/api/call/')[1] + ' ' + Math.round(e.startTime - t0) + '..' + Math.round(e.responseEnd - t0) + ' ms');
    return { totalMs: Math.round(totalMs), beforeCallMs: call ? Math.round(call.startTime - t0) : -1, fetchMs: call ? Math.round(call.responseEnd - call.startTime) : -1, rowsInDom: root.querySelectorAll('[data-testid="wf-row"]').length, otherCalls };
  })()`);
}

export interface ActionTiming {
  ms: number;
  before: number;
  after: number;
}

/** Collapses, then expands again, the root's first child (a quarter of the trace), five times; the median collapse. */
export async function timeCollapse(page: Page): Promise<ActionTiming> {
  const runs: ActionTiming[] = [];
  for (let i = 0; i < 5; i++) {
    runs.push(
      await page.evaluate(`(async () => {
        ${UNTIL_FRAME}
        const grid = document.querySelector('[data-testid="waterfall"]');
        const rows = () => Number(grid.getAttribute('data-rows'));
        const before = rows();
        const twisty = () => document.querySelectorAll('[data-testid="wf-row"]')[1].querySelector('button[aria-expanded]');
        const t0 = performance.now();
        twisty().click();
        const ms = await untilFrame(t0, () => rows() !== before);
        const after = rows();
        twisty().click();
        await untilFrame(performance.now(), () => rows() === before);
        return { ms: Math.round(ms * 10) / 10, before, after };
      })()`),
    );
  }
  return median(runs);
}

/** Types a filter (as a keystroke would set it), then clears it, five times; the median filter. */
export async function timeFilter(page: Page, needle = 'step 4999'): Promise<ActionTiming> {
  const runs: ActionTiming[] = [];
  for (let i = 0; i < 5; i++) {
    runs.push(
      await page.evaluate(`(async () => {
        ${UNTIL_FRAME}
        const grid = document.querySelector('[data-testid="waterfall"]');
        const input = document.querySelector('input[aria-label="Filter spans in this trace"]');
        const rows = () => Number(grid.getAttribute('data-rows'));
        // React reads the value through the prototype's setter, as it does for a real keystroke.
        const type = (v) => {
          Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, v);
          input.dispatchEvent(new Event('input', { bubbles: true }));
        };
        const before = rows();
        const t0 = performance.now();
        type(${JSON.stringify(needle)});
        const ms = await untilFrame(t0, () => grid.getAttribute('data-filter') === ${JSON.stringify(needle)});
        const after = rows();
        type('');
        await untilFrame(performance.now(), () => grid.getAttribute('data-filter') === '');
        return { ms: Math.round(ms * 10) / 10, before, after };
      })()`),
    );
  }
  return median(runs);
}

export function median<T extends { ms: number } | { totalMs: number }>(xs: T[]): T {
  const key = (x: T) => ('ms' in x ? x.ms : x.totalMs);
  return [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)]!;
}

export async function repeat<T>(n: number, f: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await f());
  return out;
}

/**
 * Explore asked again a minute later, on a table big enough for its granules to matter (a million
 * gateway-shaped spans over six hours, generated inside the engine): the window's old end moves
 * into the next five-minute slice, whose minutes are then read one by one. Those minutes' spans are
 * counted as far as their requests may reach — not to the window's end, which counted every span
 * of the window (bench:summary read 9.6 M rows of a 10 M table that way, where 0.6 M is usual).
 */
import { createClient } from '@clickhouse/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { summarySlices, trafficSummary } from '../../electron/core/traces/traffic-summary.js';
import { fillSql } from '../bench/summary-fill.js';
import { sandboxLocation, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const SPANS = 1_000_000;
const SERVICE = 'tfy-llm-gateway';
const SLICE_MS = 5 * 60_000;
const now = Date.now();
// Half a minute before a slice's end, so that a minute later the window starts in the next slice.
const fromMs = Math.floor((now - 6 * 3600_000) / SLICE_MS) * SLICE_MS + SLICE_MS - 30_000;
const window = { fromMs, toMs: fromMs + 6 * 3600_000 };

let sandbox: TestSandbox;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  const client = createClient({ url: sandbox.clickhouse, request_timeout: 120_000 });
  try {
    await client.command({ query: fillSql(window.toMs - 60_000, SPANS, 0, window.toMs - window.fromMs - 120_000) });
  } finally {
    await client.close();
  }
}, 180_000);
afterAll(async () => {
  await sandbox?.dispose();
});

it('asked again a minute later, counts the spans of the window’s edges, not of the whole window', async () => {
  summarySlices.clear();
  const location = sandboxLocation(sandbox);
  const first = await trafficSummary(location, window.fromMs, window.toMs, SERVICE);
  expect(first.requests).toBeGreaterThan(200_000);
  const again = await trafficSummary(location, window.fromMs + 60_000, window.toMs + 60_000, SERVICE);
  expect(again.slicesReused, `${again.slicesRead} read`).toBeGreaterThan(60);
  // The first summary reads every span of the window once (~1.6 M rows with its MCP table); the
  // whole window's time column alone is ~1 M.
  expect(again.rowsRead, `first read ${first.rowsRead.toLocaleString()} rows`).toBeLessThan(first.rowsRead / 4);
}, 120_000);

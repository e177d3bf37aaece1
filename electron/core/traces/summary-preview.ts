/**
 * The summary of a slow window, newest part first. On a busy table the first summary of a window
 * reads every request of it (seconds on tens of millions of spans: each request's user is on its
 * root and its tokens on its Model spans, so they are joined request by request). Explore asks for
 * a preview first: the newest eighth of the window, in the window's own time slices, which the
 * slice cache keeps, so the whole summary asked next reads only the other seven eighths. When the
 * eighth comes back quickly the whole window is read in the same call instead: a small table
 * never shows partial figures.
 */
import type { z } from 'zod';
import type { TracesLocation } from '../clickhouse/server.js';
import type { TrafficSummary } from '../../shared/trace-queries-schema.js';
import type { SearchLanguage } from '../search/prepare-search.js';
import type { PriceOf } from './request-queries.js';
import { bucketMsFor, trafficSummary } from './traffic-summary.js';

/** The share of the window a preview covers: about an eighth, in whole slices. */
export const PREVIEW_SHARE = 8;
/**
 * A preview that took less than this (ms, end to end) is not shown: the whole window would
 * take about eight times as long, ~1 s, short enough to wait for in one go.
 */
export const PREVIEW_QUICK_MS = 125;

/** Where a preview of [fromMs, toMs] starts: a slice boundary about an eighth of the window back, or null when that is the whole window. */
export function previewFromMs(fromMs: number, toMs: number): number | null {
  const sliceMs = bucketMsFor(toMs - fromMs);
  const start = Math.floor((toMs - (toMs - fromMs) / PREVIEW_SHARE) / sliceMs) * sliceMs;
  return start > fromMs ? start : null;
}

export async function summaryPreview(
  location: TracesLocation,
  fromMs: number,
  toMs: number,
  service: string | null,
  priceOf: PriceOf,
  search: { query: string; language?: SearchLanguage },
  now: () => number = () => performance.now(),
): Promise<z.infer<typeof TrafficSummary>> {
  const from = previewFromMs(fromMs, toMs);
  if (from === null) return trafficSummary(location, fromMs, toMs, service, priceOf, search);
  const t0 = now();
  const newest = await trafficSummary(location, from, toMs, service, priceOf, search, bucketMsFor(toMs - fromMs));
  if (now() - t0 < PREVIEW_QUICK_MS) {
    const whole = await trafficSummary(location, fromMs, toMs, service, priceOf, search);
    return { ...whole, rowsRead: whole.rowsRead + newest.rowsRead, elapsedMs: whole.elapsedMs + newest.elapsedMs };
  }
  return { ...newest, fromMs, partial: true, coveredFromMs: from };
}

/**
 * The traffic summary cut into time slices (one per series bucket) by its requests' start, so a
 * summary asked again — Explore reopened, the window moved on, a wider range — reads only the
 * slices whose spans changed. A slice's result depends on the spans of its requests: those
 * starting from a minute before the slice to a minute after its longest request ends (its member
 * window). Each cached slice keeps how many spans its member window held when it was read; a
 * per-minute count (one cheap query over the window's time column) tells whether that still
 * holds. New spans of a slice's requests, late arrivals, deletions all change it; merges do not.
 */
import type { TracesLocation } from '../clickhouse/server.js';

export const MINUTE_MS = 60_000;

export interface Slice {
  fromMs: number;
  /** Exclusive, except the window's own end. */
  toMs: number;
  toInclusive: boolean;
}

/** The grid slices [k·sliceMs, (k+1)·sliceMs) that meet [fromMs, toMs], clipped to it. */
export function slicesOf(fromMs: number, toMs: number, sliceMs: number): Array<Slice & { startMs: number; whole: boolean }> {
  const out: Array<Slice & { startMs: number; whole: boolean }> = [];
  for (let start = Math.floor(fromMs / sliceMs) * sliceMs; start <= toMs; start += sliceMs) {
    const end = start + sliceMs;
    const last = end > toMs;
    out.push({ startMs: start, fromMs: Math.max(start, fromMs), toMs: last ? toMs : end, toInclusive: last, whole: start >= fromMs && end - 1 <= toMs });
  }
  return out;
}

/** Runs of adjacent slices, as one range each. */
export function runsOf(slices: readonly Slice[]): Slice[] {
  const runs: Slice[] = [];
  for (const s of slices) {
    const last = runs[runs.length - 1];
    if (last && !last.toInclusive && last.toMs === s.fromMs) Object.assign(last, { toMs: s.toMs, toInclusive: s.toInclusive });
    else runs.push({ ...s });
  }
  return runs;
}

/** Spans per minute (minute = floor(ms / 60 000)) over a window. */
export type MinuteCounts = ReadonlyMap<number, number>;

/** The minutes [first, last] of a member window, or null when a minute of it is not wholly inside [fromMs, toMs] (its count there would be partial). */
export function wholeMinutes(memberFromMs: number, memberToMs: number, fromMs: number, toMs: number): { first: number; last: number } | null {
  const first = Math.floor(memberFromMs / MINUTE_MS);
  const last = Math.floor(memberToMs / MINUTE_MS);
  return first * MINUTE_MS >= fromMs && (last + 1) * MINUTE_MS - 1 <= toMs ? { first, last } : null;
}

export function spansIn(counts: MinuteCounts, minutes: { first: number; last: number }): number {
  let n = 0;
  for (let m = minutes.first; m <= minutes.last; m++) n += counts.get(m) ?? 0;
  return n;
}

export interface CachedSlice<Row> {
  rows: readonly Row[];
  minutes: { first: number; last: number };
  spans: number;
}

/**
 * Slices per summary (a table, a service, a search, a slice size), the most recently used kept.
 * In memory only: a summary is rebuilt from the table, and nothing of the spans outlives the app.
 */
export class SummarySliceCache<Row> {
  private readonly summaries = new Map<string, Map<number, CachedSlice<Row>>>();

  constructor(private readonly maxSummaries = 16, private readonly maxSlicesEach = 20_000) {}

  static keyOf(location: TracesLocation, parts: readonly (string | number | null)[]): string {
    return JSON.stringify([location.url, location.user, location.database, location.table, ...parts]);
  }

  slices(key: string): Map<number, CachedSlice<Row>> {
    let entry = this.summaries.get(key);
    if (entry) this.summaries.delete(key);
    else entry = new Map();
    this.summaries.set(key, entry);
    while (this.summaries.size > this.maxSummaries) this.summaries.delete(this.summaries.keys().next().value!);
    return entry;
  }

  put(key: string, startMs: number, slice: CachedSlice<Row>): void {
    const entry = this.slices(key);
    entry.set(startMs, slice);
    while (entry.size > this.maxSlicesEach) entry.delete(entry.keys().next().value!);
  }

  clear(): void {
    this.summaries.clear();
  }
}

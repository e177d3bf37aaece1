/**
 * The traffic summary cut into time slices (one per series bucket) by its requests' start, so a
 * summary asked again — Explore reopened, the window moved on, a wider range — reads only the
 * slices whose spans changed. A slice's result depends on the spans of its requests: those
 * starting from a minute before the slice to a minute after its longest request ends (its member
 * window). Each cached slice keeps which of the table's parts held its minutes and how many
 * spans they held. The same parts (system.parts, a few milliseconds) mean the same spans: every
 * insert, delete or TTL drop makes or removes a part, and a merge of them is known by its blocks
 * and rows (part-lineage.ts). When the parts differ otherwise (an insert nearby, a merge with a
 * part never seen), a per-minute count of spans (one query over the time column) decides.
 */
import type { TracesLocation } from '../clickhouse/server.js';

export const MINUTE_MS = 60_000;

export interface Slice {
  fromMs: number;
  /** Exclusive, except the window's own end. */
  toMs: number;
  toInclusive: boolean;
}

/** A slice of the window: a grid cell [startMs, startMs + lengthMs), clipped to the window. */
export interface Piece extends Slice {
  startMs: number;
  lengthMs: number;
  /** The whole cell lies in the window (a clipped one depends on where the window starts or ends). */
  whole: boolean;
  /** The cache's name for it. */
  id: string;
}

/** The grid cells of `lengthMs` that meet [fromMs, toMs], clipped to it. */
export function cellsOf(fromMs: number, toMs: number, lengthMs: number): Piece[] {
  const out: Piece[] = [];
  for (let start = Math.floor(fromMs / lengthMs) * lengthMs; start <= toMs; start += lengthMs) {
    const end = start + lengthMs;
    const last = end > toMs;
    out.push({ startMs: start, lengthMs, id: `${start}+${lengthMs}`, fromMs: Math.max(start, fromMs), toMs: last ? toMs : end, toInclusive: last, whole: start >= fromMs && end - 1 <= toMs });
  }
  return out;
}

/** A cell's minutes; the last ends where the cell does (exclusive: a span a nanosecond before the next cell is in it). */
function minutesOf(cell: Piece): Piece[] {
  const minutes = cellsOf(cell.fromMs, cell.toInclusive ? cell.toMs : cell.toMs - 1, MINUTE_MS);
  const last = minutes[minutes.length - 1]!;
  if (!cell.toInclusive) Object.assign(last, { toMs: cell.toMs, toInclusive: false });
  return minutes;
}

/**
 * Which slices of the window to take from the cache and which to read, in time order. A slice
 * (one per series bucket) is taken whole when cached; else its minutes when each is. A slice the
 * window cuts, and the newest two, are read by the minute, so when the window moves on by a minute
 * only a minute is read at the old end, and at the new end the minutes whose requests are still
 * running; any other slice is read whole.
 */
export function planSlices(fromMs: number, toMs: number, sliceMs: number, cached: (p: Piece) => boolean): { pieces: Piece[]; read: Piece[] } {
  const pieces: Piece[] = [];
  const read: Piece[] = [];
  for (const cell of cellsOf(fromMs, toMs, sliceMs)) {
    if (cell.whole && cached(cell)) {
      pieces.push(cell);
      continue;
    }
    const minutes = sliceMs > MINUTE_MS ? minutesOf(cell) : [cell];
    // The newest cells hold requests still running: read by the minute, the minutes whose requests have ended are kept.
    const recent = cell.toMs > toMs - 2 * sliceMs;
    if (cell.whole && !recent && !minutes.every(cached)) {
      pieces.push(cell);
      read.push(cell);
      continue;
    }
    for (const m of minutes) {
      pieces.push(m);
      if (!cached(m)) read.push(m);
    }
  }
  return { pieces, read };
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

/** Minutes first…last (minute = floor(ms / 60 000)). */
export interface Minutes {
  first: number;
  last: number;
}

/** The minutes [first, last] of a member window, or null when a minute of it is not wholly inside [fromMs, toMs] (its count there would be partial). */
export function wholeMinutes(memberFromMs: number, memberToMs: number, fromMs: number, toMs: number): Minutes | null {
  const first = Math.floor(memberFromMs / MINUTE_MS);
  const last = Math.floor(memberToMs / MINUTE_MS);
  return first * MINUTE_MS >= fromMs && (last + 1) * MINUTE_MS - 1 <= toMs ? { first, last } : null;
}

/** Overlapping or adjacent minute ranges as one each, oldest first. */
export function mergeMinutes(ranges: readonly Minutes[]): Minutes[] {
  const out: Minutes[] = [];
  for (const r of [...ranges].sort((a, b) => a.first - b.first)) {
    const last = out[out.length - 1];
    if (last && r.first <= last.last + 1) last.last = Math.max(last.last, r.last);
    else out.push({ ...r });
  }
  return out;
}

export function spansIn(counts: MinuteCounts, minutes: Minutes): number {
  let n = 0;
  for (let m = minutes.first; m <= minutes.last; m++) n += counts.get(m) ?? 0;
  return n;
}

export interface CachedSlice<Row> {
  rows: readonly Row[];
  /** Its member window: the minutes whose spans its requests may have. */
  minutes: Minutes;
  /** Spans in those minutes when it was read (null: not counted then). */
  spans: number | null;
  /** The table's parts that held rows of those minutes (null: the table lists none): while they are the same, so are the spans. */
  parts: string | null;
}

/**
 * Slices per summary (a table, a service, a search, a slice size), the most recently used kept.
 * In memory only: a summary is rebuilt from the table, and nothing of the spans outlives the app.
 */
export class SummarySliceCache<Row> {
  private readonly summaries = new Map<string, Map<string, CachedSlice<Row>>>();

  constructor(private readonly maxSummaries = 16, private readonly maxSlicesEach = 20_000) {}

  static keyOf(location: TracesLocation, parts: readonly (string | number | null)[]): string {
    return JSON.stringify([location.url, location.user, location.database, location.table, ...parts]);
  }

  slices(key: string): Map<string, CachedSlice<Row>> {
    let entry = this.summaries.get(key);
    if (entry) this.summaries.delete(key);
    else entry = new Map();
    this.summaries.set(key, entry);
    while (this.summaries.size > this.maxSummaries) this.summaries.delete(this.summaries.keys().next().value!);
    return entry;
  }

  put(key: string, id: string, slice: CachedSlice<Row>): void {
    const entry = this.slices(key);
    entry.set(id, slice);
    while (entry.size > this.maxSlicesEach) entry.delete(entry.keys().next().value!);
  }

  clear(): void {
    this.summaries.clear();
  }
}

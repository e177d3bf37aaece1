/**
 * A scan read newest first by whole parts instead of by time. A time slice's edge cuts a granule
 * of each (ServiceName, SpanName) run in the parts it meets, and the next slice reads those
 * granules again (one per run: 2% of a 6 h window on 10 M spans, measured). Parts are written in
 * time order and merged with their neighbours, so the newest parts hold the newest rows: read
 * them first (`_part NOT IN` the older ones), and the older parts only when the page is not full
 * of rows newer than any of theirs. The two reads together read exactly the granules one query
 * over the window reads — HyperDX's — and no granule twice.
 */
import type { NewestFirst, SliceReader, TimeSlice } from './time-slices.js';
import type { PartSpan } from './table-parts.js';

/**
 * The newest parts are read first only while they hold at most this many rows: a common word then
 * fills its page in one read of ~2 M rows (~0.1 s) at most, as a 5-minute slice would on a busy
 * table. Newer parts bigger than that (a table merged into day-long parts) go by time slices.
 */
export const NEWEST_PARTS_MAX_ROWS = 2_097_152;

export interface PartsPlan {
  /** The older parts, read second; empty: the newest parts are the whole window. */
  older: string[];
  /** The newest time any row of the older parts may have (ms, inclusive). */
  olderToMs: number;
}

/**
 * Which parts a scan reads second, or null when reading by parts does not fit: no parts known,
 * newest parts too big to be a first read (or bigger than the budget), or — for a reader who may not bound a read — more
 * rows in the window's parts than the budget (the scan must be able to stop partway, which time
 * slices do; a bounded read is refused instead). The newest parts are taken, newest end first,
 * until they reach `firstMs` (the first time slice's length) back from the window's end.
 */
export function planByParts(parts: readonly PartSpan[] | null, range: { fromMs: number; toMs: number }, budget: { rows: number; bounded: boolean }, firstMs: number): PartsPlan | null {
  if (!parts || parts.length === 0) return null;
  const inWindow = parts.filter((p) => p.toMs >= range.fromMs && p.fromMs <= range.toMs);
  if (!budget.bounded && inWindow.reduce((n, p) => n + p.rows, 0) > budget.rows) return null;
  const byEnd = [...inWindow].sort((a, b) => b.toMs - a.toMs);
  let newestRows = 0;
  let reached = Infinity;
  let taken = 0;
  while (taken < byEnd.length && reached > range.toMs - firstMs) {
    const p = byEnd[taken++]!;
    newestRows += p.rows;
    reached = Math.min(reached, p.fromMs);
  }
  if (newestRows > Math.min(NEWEST_PARTS_MAX_ROWS, budget.rows)) return null;
  const older = byEnd.slice(taken);
  return { older: older.map((p) => p.name), olderToMs: Math.max(-Infinity, ...older.map((p) => p.toMs)) };
}

/** The two reads of a plan, over the whole window: every part but the older ones, then those. */
export function planReads(range: { fromMs: number; toMs: number }, plan: PartsPlan): { newest: TimeSlice; older: TimeSlice | null } {
  const whole = { fromMs: range.fromMs, toMs: range.toMs, toExclusive: false };
  if (plan.older.length === 0) return { newest: whole, older: null };
  return { newest: { ...whole, parts: { names: plan.older, exclude: true } }, older: { ...whole, parts: { names: plan.older, exclude: false } } };
}

/** How rows are put in page order and told apart when two reads are merged. */
export interface RowOrder<T> {
  timeMs: (row: T) => number;
  /** Negative when a comes first on the page (newer). */
  compare: (a: T, b: T) => number;
  /** One row's identity: a part merged between the reads may hand the same row to both. */
  identity: (row: T) => string;
}

/** Two non-negative whole numbers written in decimal, compared without losing nanoseconds to a float. */
function compareDecimal(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Page order for rows with a start in nanoseconds: newest first, then by `tie` descending (the SQL's ORDER BY). */
export function newestFirstOrder<T>(tsNs: (row: T) => string, tie: (row: T) => string, identity: (row: T) => string = tie): RowOrder<T> {
  return {
    timeMs: (row) => Number(BigInt(tsNs(row)) / 1_000_000n),
    compare: (a, b) => compareDecimal(tsNs(b), tsNs(a)) || (tie(a) < tie(b) ? 1 : tie(a) > tie(b) ? -1 : 0),
    identity,
  };
}

/** The page of two reads: each row once, in page order, up to `want` rows. */
export function mergePages<T>(a: readonly T[], b: readonly T[], order: RowOrder<T>, want: number): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const row of [...a, ...b].sort(order.compare)) {
    const id = order.identity(row);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(row);
    if (out.length === want) break;
  }
  return out;
}

/** What a scan by parts needs from its caller. */
export interface ByParts<T> {
  /** The table's active parts in a window (table-parts.ts activeParts), null when it cannot tell. */
  partsOf: (range: { fromMs: number; toMs: number }) => Promise<readonly PartSpan[] | null>;
  order: RowOrder<T>;
}

/**
 * A scan's page read by parts (planByParts): null when the plan does not fit; `spent` alone when
 * the older parts hold more than the budget left (their read is bounded, and refused before
 * reading) or were merged away between the reads (their rows may be in neither): the caller
 * then reads by time slices, counting what was read here. `want` is the page and one more.
 */
export async function readByParts<T>(
  range: { fromMs: number; toMs: number },
  want: number,
  read: SliceReader<T>,
  by: ByParts<T>,
  budget: { rows: number; bounded: boolean },
  firstMs: number,
  refused: (error: unknown) => null,
): Promise<{ page: NewestFirst<T> } | { spent: { rowsRead: number; elapsedMs: number } } | null> {
  const plan = planByParts(await by.partsOf(range), range, budget, firstMs);
  if (!plan) return null;
  const reads = planReads(range, plan);
  const newest = await read(reads.newest, want);
  const last = newest.rows[want - 1];
  if (!reads.older || (last !== undefined && by.order.timeMs(last) > plan.olderToMs)) return { page: { ...newest, searchedFromMs: null } };
  const older = await read(reads.older, want, budget.bounded ? budget.rows - newest.rowsRead : undefined).catch(refused);
  if (!older) return { spent: { rowsRead: newest.rowsRead, elapsedMs: newest.elapsedMs } };
  const spent = { rowsRead: newest.rowsRead + older.rowsRead, elapsedMs: newest.elapsedMs + older.elapsedMs };
  const still = new Set((await by.partsOf(range))?.map((p) => p.name) ?? []);
  if (!plan.older.every((name) => still.has(name))) return { spent };
  return { page: { rows: mergePages(newest.rows, older.rows, by.order, want), ...spent, searchedFromMs: null } };
}

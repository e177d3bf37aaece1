/**
 * Newest-first reads of a time window, one slice at a time. ClickStack's table is sorted by
 * (ServiceName, SpanName, time), so `ORDER BY Timestamp DESC LIMIT n` over a whole window reads
 * every row of it; asking the newest slice first and going back only while the page is not full
 * reads a few minutes of a busy table instead of hours. A search that must scan (a bare word, a
 * substring) also stops at a budget and says how far back it looked, so the page can offer to
 * search further instead of reading the whole table.
 */
import type { ClickHouseSettings } from '@clickhouse/client';
import { ClickHouseFailure } from '../clickhouse/clickhouse-failure.js';
import type { TracesLocation } from '../clickhouse/server.js';
import { logger } from '../log.js';
import type { SqlParams } from '../search/sql-params.js';
import { readByParts, type ByParts } from './newest-parts.js';

export interface TimeSlice {
  fromMs: number;
  toMs: number;
  /** The newest slice includes its end; older ones stop just before where the newer one began. */
  toExclusive: boolean;
  /** Only these parts, or all but these (a scan read by parts, newest-parts.ts). */
  parts?: { names: string[]; exclude: boolean };
}

/** The first slice covers this much; each next one four times the one before (5 min, 20 min, 80 min, …). */
export const FIRST_SLICE_MS = 5 * 60_000;
export const SLICE_GROWTH = 4;

/**
 * When a scanning search stops going back (it says where it stopped). Counted in rows, not
 * seconds, so the same search on the same table stops at the same place on any machine.
 */
export interface ScanBudget {
  maxRowsRead: number;
}
export const DEFAULT_SCAN_ROWS = 4_000_000;
/**
 * CLICKSTACK_TRAY_SCAN_BUDGET_ROWS moves the budget: lower on a slow laptop ClickHouse, higher on
 * a cluster (and low in the browser tests, which cannot fill millions of rows).
 */
export function scanBudgetFrom(env: NodeJS.ProcessEnv): ScanBudget {
  const raw = env.CLICKSTACK_TRAY_SCAN_BUDGET_ROWS;
  if (raw === undefined || raw === '') return { maxRowsRead: DEFAULT_SCAN_ROWS };
  const rows = Number(raw);
  if (Number.isSafeInteger(rows) && rows >= 1) return { maxRowsRead: rows };
  logger('search').warn(`CLICKSTACK_TRAY_SCAN_BUDGET_ROWS must be a whole number of rows above 0, not "${raw}": using ${DEFAULT_SCAN_ROWS.toLocaleString('en')} rows.`);
  return { maxRowsRead: DEFAULT_SCAN_ROWS };
}
export const SCAN_BUDGET: ScanBudget = scanBudgetFrom(process.env);

/** The slices of [fromMs, toMs], newest first; together they cover it once. */
export function newestFirstSlices(fromMs: number, toMs: number, firstMs = FIRST_SLICE_MS): TimeSlice[] {
  const out: TimeSlice[] = [];
  let end = toMs;
  let size = firstMs;
  while (end > fromMs || out.length === 0) {
    const start = Math.max(fromMs, end - size);
    out.push({ fromMs: start, toMs: end, toExclusive: out.length > 0 });
    if (start <= fromMs) break;
    end = start;
    size *= SLICE_GROWTH;
  }
  return out;
}

/**
 * The slices to read, newest first. A search an index serves (a trace id, an exact attribute value)
 * reads only the granules of its matches, so after each slice the next one is sized from the
 * matches found so far to fill the page (1.5x the estimate, at least the usual growth): a rare value
 * (one conversation over 6 h) is read in two queries instead of a query per slice, each paying
 * ClickHouse's fixed cost, and a common one (a busy model) still fills from the newest slice.
 * Other searches read every row of a slice, so they keep the fixed growth.
 */
export function* slicesFor(range: { fromMs: number; toMs: number }, selective: boolean, found: () => number, want: number, firstMs = FIRST_SLICE_MS): Generator<TimeSlice> {
  if (!selective) {
    yield* newestFirstSlices(range.fromMs, range.toMs, firstMs);
    return;
  }
  let end = range.toMs;
  let size = firstMs;
  for (let first = true; ; first = false) {
    const start = Math.max(range.fromMs, end - size);
    yield { fromMs: start, toMs: end, toExclusive: !first };
    if (start <= range.fromMs) return;
    const covered = range.toMs - start;
    const estimate = (covered * (want - found())) / Math.max(found(), 0.5);
    size = Math.max(size * SLICE_GROWTH, Math.ceil(estimate * 1.5));
    end = start;
  }
}

/** A slice as a WHERE on Timestamp (the primary key's time column: each slice reads only its own granules). */
export function sliceWhere(params: SqlParams, s: TimeSlice): string {
  // Whole milliseconds, each edge floored alike: a slice's start is the next one's end, no gap between them.
  const time = `Timestamp >= fromUnixTimestamp64Milli(${params.add('UInt64', Math.max(0, Math.floor(s.fromMs)))}) AND Timestamp ${s.toExclusive ? '<' : '<='} fromUnixTimestamp64Milli(${params.add('UInt64', Math.max(0, Math.floor(s.toMs)))})`;
  // _part is read from the part list before any granule: parts left out are not opened.
  return s.parts ? `${time} AND _part ${s.parts.exclude ? 'NOT IN' : 'IN'} ${params.add('Array(String)', s.parts.names)}` : time;
}

export interface SliceAnswer<T> {
  rows: T[];
  rowsRead: number;
  elapsedMs: number;
}

export interface NewestFirst<T> extends SliceAnswer<T> {
  /** Where the search stopped going back because of its budget (older rows were not searched); null: the whole window was. */
  searchedFromMs: number | null;
}

/**
 * A search an index serves is first asked over the whole window at once, bounded by this many
 * rows (16 granules): ClickHouse checks `max_rows_to_read` against its index estimate before
 * reading, so a rare value (one conversation over 6 h: 2 granules) is answered in one query, and a
 * common one (a busy model: millions of rows in its granules) is refused in milliseconds, having
 * read nothing, and is read slice by slice.
 */
export const WHOLE_WINDOW_ROWS = 131_072;

/**
 * A scan (a substring, a bare word) whose whole window the index estimates at this many rows or
 * fewer is read in one query: a few tens of milliseconds, and no slice edge read twice.
 */
export const SMALL_SCAN_ROWS = 524_288;

/**
 * Searches whose whole window was refused lately, by the caller's key (the table and the search)
 * and the window's length to a power of two: a common value is not asked for its whole window
 * again at every page or refresh, while a shorter window of the same search still may be.
 */
const refusedWhole = new Map<string, number>();
export const REFUSAL_KEPT_MS = 10 * 60_000;
const MAX_REFUSALS = 200;

function refusedLately(key: string | undefined, now: number): boolean {
  const until = key === undefined ? undefined : refusedWhole.get(key);
  if (until === undefined) return false;
  if (until > now) return true;
  refusedWhole.delete(key!);
  return false;
}

function noteRefusal(key: string | undefined, now: number): void {
  if (key === undefined) return;
  refusedWhole.delete(key);
  refusedWhole.set(key, now + REFUSAL_KEPT_MS);
  if (refusedWhole.size > MAX_REFUSALS) refusedWhole.delete(refusedWhole.keys().next().value!);
}

/**
 * How long a page of the same search lately took, per row (the table's rate of its matches): its
 * next read starts with a slice that fills the page with room to spare, not the fixed first slice.
 * A busy model fills 200 requests in ~90 s of a 5-minute slice; a read of the 5 minutes costs its
 * server ~20 ms, of 2 minutes ~16 ms (a page asked again, or the next page: measured on chDB 26.7).
 * A pace that has changed is learnt again at the next full read: matches grown rarer cost one more
 * slice, grown denser a longer first read than needed (a quarter of the window at most).
 */
const pageRates = new Map<string, { msPerRow: number; newestMs: number; until: number }>();
/** The first slice holds this many pages at the learnt pace. */
export const LEARNT_SLICE_SPARE = 1.5;
/** A pace is kept as long as a refusal is: a quiet night's is not the morning's. */
export const RATE_KEPT_MS = REFUSAL_KEPT_MS;
/** A read of fewer rows (a page's last few, filled) is too few to tell a pace by. */
export const MIN_ROWS_TO_LEARN = 20;
const LEARNT_SLICE_MIN_MS = 1_000;

/**
 * The first slice of a search whose pace is known, or the fixed one: from the window's end back
 * to the newest match seen last time (the spans still on their way, a gateway gone quiet; nothing
 * on a later page, whose window ends at its cursor), then room for the page at that pace. At most a
 * quarter of the window: an index-served search still asks its whole window first, bounded, and a
 * pace that has grown stale reads no more than that quarter unbounded.
 */
export function firstSliceMs(key: string | undefined, want: number, range: { fromMs: number; toMs: number }, now = Date.now()): number {
  const rate = key === undefined ? undefined : pageRates.get(key);
  if (rate === undefined) return FIRST_SLICE_MS;
  if (rate.until <= now) {
    pageRates.delete(key!);
    return FIRST_SLICE_MS;
  }
  const quiet = Math.max(0, range.toMs - rate.newestMs);
  return Math.max(LEARNT_SLICE_MIN_MS, Math.floor(Math.min((range.toMs - range.fromMs) / 4, quiet + rate.msPerRow * want * LEARNT_SLICE_SPARE)));
}

/**
 * Learns a search's pace from a full read: the time from its newest row to its last, per row, and
 * where its newest row was — the quiet stretch before it (an idle gateway, a window ending in the
 * future) is not taken for the pace, so a later page (no such stretch) is not sized by it.
 */
function notePace(key: string, newestMs: number, lastMs: number, rows: number, now = Date.now()): void {
  if (rows < MIN_ROWS_TO_LEARN) return;
  pageRates.delete(key);
  pageRates.set(key, { msPerRow: Math.max(0, newestMs - lastMs) / (rows - 1), newestMs, until: now + RATE_KEPT_MS });
  if (pageRates.size > MAX_REFUSALS) pageRates.delete(pageRates.keys().next().value!);
}

/** A search's key for the refusals: what it reads and looks for, not the window or the page. */
export function searchKeyOf(kind: string, location: TracesLocation, search: unknown): string {
  return JSON.stringify([kind, location.url, location.user, location.database, location.table, search]);
}

/** The settings that bound a query to `maxRows` rows (at least one: 0 would mean no bound), refused before reading when the index's estimate is over. */
export function boundedRead(maxRows: number | undefined): ClickHouseSettings {
  return maxRows === undefined ? {} : { max_rows_to_read: String(Math.max(1, Math.floor(maxRows))), read_overflow_mode: 'throw' };
}

/**
 * ClickHouse's answers that mean a bounded read was not let through: over the rows or bytes it
 * may read (158, 307, 396), or a user who may not set the bound (164 read-only, 452 a settings
 * constraint). Those reads go slice by slice; any other failure is the search's own.
 */
const REFUSED_CODES = new Set(['158', '307', '396', '164', '452']);

function refusedRead(error: unknown): null {
  if (error instanceof ClickHouseFailure && error.code !== null && REFUSED_CODES.has(error.code)) return null;
  throw error;
}

/**
 * Reads one slice: up to `want` rows, newest first. With `maxRows`, the query carries
 * boundedRead(maxRows) and may fail for reading too much (the caller then reads by slices).
 */
export type SliceReader<T> = (slice: TimeSlice, want: number, maxRows?: number) => Promise<SliceAnswer<T>>;

/** How readNewestFirst reads a search. */
export interface NewestFirstOptions<T> {
  /** A scanning search's budget (null: none). */
  budget?: ScanBudget | null;
  /** An index serves the search (slicesFor). */
  selective?: boolean;
  /** The table and the search, not the window: a refusal of its whole window is remembered under it. */
  searchKey?: string;
  /** The whole window's bound for an index-served search (WHOLE_WINDOW_ROWS). */
  wholeWindowRows?: number;
  /** False for a user who may not set a row bound (setting-hints.ts mayChangeSettings): the bounded reads are skipped, as if refused. */
  rowBounds?: boolean;
  /** A scan may be read by whole parts, newest first, when the table's parts allow it (newest-parts.ts). */
  byParts?: ByParts<T>;
  /** A row's time (ms): with a searchKey, a search read slice by slice learns how long its page lasts (firstSliceMs). */
  timeMsOf?: (row: T) => number;
}

/**
 * Asks the slices newest first for up to `want` rows each (`want` shrinks as rows arrive) until
 * `limit` rows (+1, to know there are more) are in hand, the window is covered, or — with a
 * budget — the reading so far is over it. An index-served search is first asked for its whole
 * window (WHOLE_WINDOW_ROWS at most), and so is a scan (SMALL_SCAN_ROWS), unless the same search
 * was refused lately; a scan the newest slice leaves short asks the rest of the window at once
 * when it fits the budget left.
 */
export async function readNewestFirst<T>(range: { fromMs: number; toMs: number }, limit: number, read: SliceReader<T>, options: NewestFirstOptions<T> = {}): Promise<NewestFirst<T>> {
  const { budget = null, selective = false, searchKey, wholeWindowRows = WHOLE_WINDOW_ROWS, rowBounds = true, byParts, timeMsOf } = options;
  const rows: T[] = [];
  let rowsRead = 0;
  let elapsedMs = 0;
  // A scan keeps the fixed slices: its budget is counted in them.
  const rateKey = budget || !timeMsOf ? undefined : searchKey;
  const slices = slicesFor(range, selective && !budget, () => rows.length, limit + 1, firstSliceMs(rateKey, limit + 1, range));
  let next = slices.next();
  const refusalKey = searchKey === undefined ? undefined : `${searchKey}|${Math.round(Math.log2(Math.max(1, range.toMs - range.fromMs)))}`;
  // An index-served search, or a scan whose whole window is a small read: one query over the window
  // first. Before the slices, not beside them: when it is answered it has read what one query over
  // the window reads (HyperDX's), no more; when it is refused it has read nothing of the table
  // (an IN subquery's own read may have run; that is not counted).
  const wholeBound = !rowBounds ? null : selective && !budget ? wholeWindowRows : budget ? Math.min(budget.maxRowsRead, SMALL_SCAN_ROWS) : null;
  if (wholeBound !== null && !next.done && next.value.fromMs > range.fromMs && !refusedLately(refusalKey, Date.now())) {
    const whole = await read({ fromMs: range.fromMs, toMs: range.toMs, toExclusive: false }, limit + 1, wholeBound).catch(refusedRead);
    if (whole) return { rows: whole.rows, rowsRead: whole.rowsRead, elapsedMs: whole.elapsedMs, searchedFromMs: null };
    noteRefusal(refusalKey, Date.now());
  }
  // A scan over parts that fit the budget: the newest parts, then the older ones if need be; no granule read twice.
  if (budget && byParts) {
    const parted = await readByParts(range, limit + 1, read, byParts, { rows: budget.maxRowsRead, bounded: rowBounds }, FIRST_SLICE_MS, refusedRead);
    if (parted && 'page' in parted) return parted.page;
    if (parted) {
      rowsRead += parted.spent.rowsRead;
      elapsedMs += parted.spent.elapsedMs;
    }
  }
  for (let first = true; !next.done; next = slices.next(), first = false) {
    const slice = next.value;
    const answer = await read(slice, limit + 1 - rows.length);
    rows.push(...answer.rows);
    rowsRead += answer.rowsRead;
    elapsedMs += answer.elapsedMs;
    if (rows.length > limit) {
      // The page's pace, from its newest row to its last: the same search's next read is sized by it.
      if (rateKey !== undefined) notePace(rateKey, timeMsOf!(rows[0]!), timeMsOf!(rows[limit]!), limit + 1);
      return { rows, rowsRead, elapsedMs, searchedFromMs: null };
    }
    const more = slice.fromMs > range.fromMs;
    if (more && budget && rowsRead >= budget.maxRowsRead) return { rows, rowsRead, elapsedMs, searchedFromMs: slice.fromMs };
    // A scan the newest slice left far short (at its rate the whole window would not fill the page
    // twice over): the rest of the window in one query when the index's estimate of it fits the
    // budget left — one slice edge read twice instead of one per slice — else slice by slice.
    const rate = rows.length / Math.max(1, slice.toMs - slice.fromMs);
    if (rowBounds && more && budget && first && rate * (range.toMs - range.fromMs) < 2 * (limit + 1)) {
      const rest = await read({ fromMs: range.fromMs, toMs: slice.fromMs, toExclusive: true }, limit + 1 - rows.length, budget.maxRowsRead - rowsRead).catch(refusedRead);
      if (rest) return { rows: [...rows, ...rest.rows], rowsRead: rowsRead + rest.rowsRead, elapsedMs: elapsedMs + rest.elapsedMs, searchedFromMs: null };
    }
  }
  // The window holds less than a page: nothing to size the next read by.
  if (rateKey !== undefined && limit + 1 >= MIN_ROWS_TO_LEARN) pageRates.delete(rateKey);
  return { rows, rowsRead, elapsedMs, searchedFromMs: null };
}

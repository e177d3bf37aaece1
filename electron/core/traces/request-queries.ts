/**
 * Requests (a gateway trace's root with its spans rolled up): the rollup's SQL and the request
 * search. The traffic summaries over them are traffic-summary.ts. All user values are parameters.
 */
import { mayChangeSettings } from '../clickhouse/setting-hints.js';
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import type { TracesLocation } from '../clickhouse/server.js';
import { withTracesTable, type TracesTable } from '../clickhouse/traces-table.js';
import { requestRollupSql } from '../semantics/request-rollup-sql.js';
import { spanRowSelect } from '../semantics/span-row-select.js';
import { rollupRequest } from '../../shared/request-row.js';
import type { SpanRow } from '../../shared/span-row.js';
import { withEstimatedCost, type ModelPrice } from '../../shared/price-schema.js';
import { RequestSearchResult } from '../../shared/trace-queries-schema.js';
import { bareWords, prepareSearch, requestTerms, sqlModeHints, type RequestTerm, type SearchLanguage } from '../search/prepare-search.js';
import { SqlParams } from '../search/sql-params.js';
import { fromTable, timeWhere } from './trace-queries.js';
import { boundedRead, readNewestFirst, SCAN_BUDGET, searchKeyOf, sliceWhere, type ScanBudget } from './time-slices.js';
import { scansText, servedByIndex } from './span-search.js';
import { newestFirstOrder } from './newest-parts.js';
import { partsLister } from './table-parts.js';

/** A request's spans start after its root and before it ends: this much past the window still belongs to it. */
export const MEMBER_SLACK_MS = 60 * 60_000;

/** One row per request (a trace with a root) whose spans satisfy `where`: the fields asked for, or all of them. */
export function rollupSql(t: TracesTable, where: string, extra: { columns?: string; select?: string; selectReads?: readonly string[]; having?: string; fields?: readonly string[]; onlyContributing?: boolean; tieBreak?: boolean } = {}): string {
  const sql = requestRollupSql(t.layout, extra.fields, { tieBreak: extra.tieBreak, compactKey: extra.onlyContributing, extraReads: extra.selectReads });
  // Only the spans that can change the fields asked for: filtered on cheap columns before any attribute value is read.
  const contributing = extra.onlyContributing && sql.prefilter !== '1' ? ` AND ${sql.prefilter}` : '';
  return `SELECT ${sql.aggregates}${extra.select ?? ''} FROM (SELECT ${sql.spanColumns}${extra.columns ?? ''} FROM ${fromTable(t)} WHERE ${where}${contributing}) GROUP BY ${sql.groupKey} HAVING r_hasRoot${extra.having ? ` AND (${extra.having})` : ''}`;
}

export const Raw = z.record(z.string(), z.unknown());

/** A model's price for estimated costs (core/semantics/price-catalog.ts), or null when none is known. */
export type PriceOf = (provider: string, model: string) => ModelPrice | null;

export interface RequestSearchInput {
  query: string;
  fromMs: number;
  toMs: number;
  service: string | null;
  limit: number;
  language?: SearchLanguage;
  /** Only requests older than this one (the previous page's last), newest first. */
  before?: { tsNs: string; traceId: string };
  /** Where a scanning search stops going back (time-slices.ts SCAN_BUDGET by default). */
  scanBudget?: ScanBudget;
  /** The bound on asking an index-served search's whole window at once (time-slices.ts WHOLE_WINDOW_ROWS by default). */
  wholeWindowRows?: number;
}

/** How far after a trace's first root a second one (a caller that lost its parent link) is looked for when paging. */
const SECOND_ROOT_SPREAD_MS = 10 * 60_000;

/** Member spans start this long before their root (clock skew between services) or end this long after it, at most. */
export const MEMBER_MARGIN_MS = 60_000;

const RootRow = z.object({ traceId: z.string(), tsNs: z.string(), endNs: z.string() });

/**
 * The newest requests in the window whose trace has a span matching the search (every span, not
 * only the root). The page's roots are found first, newest time slice first, then only their
 * traces are rolled up, over the few minutes those roots cover.
 */
/**
 * The request rule of a search, as a WHERE on a request's spans: each of its top-level AND terms
 * matches some span of the request (a negated one: no span), among the spans `rangeSql` takes
 * (the request list, the summary and its MCP table all ask it).
 */
export function requestMatchesSql(t: TracesTable, terms: readonly RequestTerm[], rangeSql: string, svc: string): string {
  return terms.map((term) => ` AND TraceId ${term.none ? 'NOT IN' : 'IN'} (SELECT TraceId FROM ${fromTable(t)} WHERE (${rangeSql}) AND ${svc} AND ${term.sql})`).join('');
}

/** Whether a root at `tsNs` of `traceId` is at or above a page's cursor and inside the window: a place an earlier page listed. */
function atOrAbove(tsNs: string, traceId: string, cursor: { tsNs: string; traceId: string }, toMs: number): boolean {
  const ns = BigInt(tsNs);
  if (ns > BigInt(toMs) * 1_000_000n) return false;
  const at = BigInt(cursor.tsNs);
  return ns > at || (ns === at && traceId >= cursor.traceId);
}

/** How many more reads fill a page that came out short (it met traces an earlier page or read listed). */
const MAX_FILL_READS = 4;

export async function searchRequests(location: TracesLocation, q: RequestSearchInput, priceOf: PriceOf = () => null): Promise<z.infer<typeof RequestSearchResult>> {
  return withTracesTable(location, async (t) => {
    const base = new SqlParams();
    const svc = q.service ? `ServiceName = ${base.add('String', q.service)}` : '1';
    const search = await prepareSearch(q.query, t, q, q.language);
    // A request matches when each of the search's top-level AND terms matches some span of it:
    // `model:"x" status:error` finds requests to x in which any hop failed, as a person means it.
    const terms = requestTerms(search, base);
    // A search that scans text reads within its budget: the reads that fill a page share it.
    const budget = terms.some((w) => scansText(w.sql, q.language ?? 'lucene')) ? (q.scanBudget ?? SCAN_BUDGET) : null;
    // The search, not the page or the window: what decides whether its whole window is worth asking at once.
    const searchKey = searchKeyOf('requests', location, [svc, terms, base.values]);
    const asked: PageAsk = { location, t, q, base, svc, terms, search, searchKey, priceOf };
    let read = await readPage(asked, q.before, q.limit, budget);
    const requests = [...read.requests];
    let rowsRead = read.rowsRead;
    let elapsedMs = read.elapsedMs;
    // A page that met traces listed before (a second root of one) holds fewer than asked: it is
    // filled from below its last root, so every page with more after it is full.
    for (let i = 0; i < MAX_FILL_READS && requests.length < q.limit && read.truncated && read.next; i++) {
      const left = budget ? { maxRowsRead: budget.maxRowsRead - rowsRead } : null;
      if (left && left.maxRowsRead <= 0) break;
      read = await readPage(asked, read.next, q.limit - requests.length, left);
      requests.push(...read.requests);
      rowsRead += read.rowsRead;
      elapsedMs += read.elapsedMs;
    }
    return {
      requests,
      truncated: read.truncated,
      next: read.next,
      searchedFromMs: read.searchedFromMs,
      bareWords: requests.length === 0 ? bareWords(search, read.searchedFromMs) : [],
      rowsRead,
      elapsedMs,
    };
  });
}

/** A request search as compiled once, for each read of its page. */
interface PageAsk {
  location: TracesLocation;
  t: TracesTable;
  q: RequestSearchInput;
  base: SqlParams;
  svc: string;
  terms: RequestTerm[];
  search: Awaited<ReturnType<typeof prepareSearch>>;
  searchKey: string;
  priceOf: PriceOf;
}

interface PageRead {
  requests: z.infer<typeof RequestSearchResult>['requests'];
  truncated: boolean;
  /** Where the next read starts: every root at or above it was listed (here or before) or is over the page. */
  next: { tsNs: string; traceId: string } | null;
  searchedFromMs: number | null;
  rowsRead: number;
  elapsedMs: number;
}

async function readPage(asked: PageAsk, before: RequestSearchInput['before'], limit: number, budget: ScanBudget | null): Promise<PageRead> {
  const { location, t, q, base, svc, terms, search, searchKey, priceOf } = asked;
  const cursorParams = base.clone();
  const older = before ? ` AND (Timestamp, TraceId) < (fromUnixTimestamp64Nano(toInt64(${cursorParams.add('UInt64', before.tsNs)})), ${cursorParams.add('String', before.traceId)})` : '';
  // A next page starts where the previous one ended, not at the window's end.
  const range = { fromMs: q.fromMs, toMs: before ? Math.min(q.toMs, Math.ceil(Number(BigInt(before.tsNs) / 1_000_000n)) + 1) : q.toMs };
  const roots = await readNewestFirst(
    range,
    limit,
    async (slice, want, maxRows) => {
      const params = cursorParams.clone();
      // A member span may start a little before its root (clock skew): a negated term must see that one too.
      const members = { fromMs: slice.fromMs - MEMBER_MARGIN_MS, toMs: Math.min(slice.toMs, q.toMs) + MEMBER_SLACK_MS, toExclusive: false };
      const matched = requestMatchesSql(t, terms, sliceWhere(params, members), svc);
      const a = await queryRows(location, {
        kind: 'search',
        database: location.database,
        sql: `SELECT TraceId AS traceId, toString(toUnixTimestamp64Nano(Timestamp)) AS tsNs, toString(toUnixTimestamp64Nano(Timestamp) + Duration) AS endNs
              FROM ${fromTable(t)} WHERE ${sliceWhere(params, slice)} AND ${svc} AND ParentSpanId = ''${older}${matched}
              ORDER BY Timestamp DESC, TraceId DESC LIMIT ${want}`,
        params: params.values,
        settings: boundedRead(maxRows),
        hints: sqlModeHints(search),
        row: RootRow,
      });
      return { rows: a.rows, rowsRead: a.rowsRead, elapsedMs: a.elapsedMs };
    },
    {
      budget,
      // Only a term some span must match narrows the roots; one no span may match leaves most of them.
      selective: terms.some((w) => !w.none && servedByIndex(w.sql)),
      searchKey,
      wholeWindowRows: q.wholeWindowRows,
      rowBounds: mayChangeSettings(location),
      byParts: { partsOf: partsLister(location, t), order: newestFirstOrder<z.infer<typeof RootRow>>((r) => r.tsNs, (r) => r.traceId) },
      timeMsOf: (r) => Number(BigInt(r.tsNs) / 1_000_000n),
    },
  );
  const stoppedAt = roots.searchedFromMs;
  // Below every root of the millisecond it stopped at (no trace id is below all zeros): that millisecond was searched (a slice includes its start).
  const further = stoppedAt === null ? null : { tsNs: String(BigInt(stoppedAt) * 1_000_000n), traceId: '0'.repeat(32) };
  if (roots.rows.length === 0) return { requests: [], truncated: false, next: further, searchedFromMs: stoppedAt, rowsRead: roots.rowsRead, elapsedMs: roots.elapsedMs };
  const params = cursorParams.clone();
  const startMs = Math.min(...roots.rows.map((r) => Number(BigInt(r.tsNs) / 1_000_000n)));
  // On a later page the spans reach up past the cursor too: a trace with a second root there was listed on an
  // earlier page (at that root), and must not be listed again here.
  const cursorMs = before ? Number(BigInt(before.tsNs) / 1_000_000n) + SECOND_ROOT_SPREAD_MS : 0;
  const endMs = Math.max(cursorMs, ...roots.rows.map((r) => Number(BigInt(r.endNs) / 1_000_000n)));
  const around = `${timeWhere(params, startMs - MEMBER_MARGIN_MS, Math.min(endMs + MEMBER_MARGIN_MS, q.toMs + MEMBER_SLACK_MS))} AND ${svc} AND TraceId IN ${params.add('Array(String)', roots.rows.map((r) => r.traceId))}`;
  // The page's spans, folded here by the rules the SQL rollup follows (shared/request-row.ts; a test
  // holds the two equal). For a few hundred traces the SQL rollup's ~40 aggregates cost more to
  // plan than the spans cost to read (150 ms of CPU on an empty range, measured on chDB 26.7).
  const row = spanRowSelect(t.layout);
  const answer = await queryRows(location, {
    kind: 'search',
    database: location.database,
    sql: `SELECT ${row.sql} FROM ${fromTable(t)} WHERE ${around}`,
    params: params.values,
    row: z.unknown(),
  });
  const byTrace = new Map<string, SpanRow[]>();
  for (const span of answer.rows.map(row.parse)) {
    const spans = byTrace.get(span.traceId);
    if (spans) spans.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  // A trace with two roots (a caller that lost its parent link) is one request, listed once: at its
  // newest root, where the list's order meets it. On a later page, a trace with a root at or above
  // the cursor (and in the window) was listed on an earlier one.
  const listed = new Set<string>();
  const aboveCursor = (traceId: string) => before !== undefined && byTrace.get(traceId)!.some((s) => s.parentSpanId === '' && atOrAbove(s.tsNs, traceId, before, q.toMs));
  const listedAt = roots.rows.filter((r) => byTrace.has(r.traceId) && !listed.has(r.traceId) && Boolean(listed.add(r.traceId)) && !aboveCursor(r.traceId));
  const requests = listedAt.map((r) => withEstimatedCost(rollupRequest(byTrace.get(r.traceId)!), priceOf));
  const page = requests.slice(0, limit);
  // Counted in roots, not in requests: a trace listed once for its two roots must not end the paging.
  const truncated = requests.length > limit || roots.rows.length > limit;
  // Below the root the page's last request was listed at when more were listed than fit; else
  // below the last root read (those above it were listed here or before).
  const last = requests.length > limit ? listedAt[limit - 1]! : roots.rows[roots.rows.length - 1]!;
  return {
    requests: page,
    truncated,
    next: truncated ? { tsNs: last.tsNs, traceId: last.traceId } : further,
    searchedFromMs: stoppedAt,
    rowsRead: roots.rowsRead + answer.rowsRead,
    elapsedMs: roots.elapsedMs + answer.elapsedMs,
  };
}

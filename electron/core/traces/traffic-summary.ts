/**
 * The traffic summaries (by model, by user, over time, by MCP tool) of the requests whose root
 * started in a window. Requests are rolled up in SQL and grouped per time slice (one per series
 * bucket); the slices are cached (summary-slices.ts), so asking again reads only the slices whose
 * spans changed and the window's edges. A request no span reported a cost for is priced from the
 * catalog by its model (the estimate is kept apart as costEstimatedUsd). All user values are parameters.
 */
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import type { TracesLocation } from '../clickhouse/server.js';
import { withTracesTable, type TracesTable } from '../clickhouse/traces-table.js';
import { MCP_SPAN_TYPE } from '../semantics/gateway-attributes.js';
import { MCP_LATENCY_KEYS } from '../semantics/span-facts.js';
import { ERROR_STATUS_SQL, mcpErrorSql, numberAttributeSql, factEqualsSql, spanFactSql } from '../semantics/span-columns-sql.js';
import { SUMMED_FACTS, TOKEN_FACTS, type SummedFact } from '../../shared/request-facts.js';
import { costAt } from '../../shared/price-schema.js';
import { McpSummaryRow, ModelSummaryRow, SeriesPoint, SUMMARY_TABLE_ROWS, TrafficSummary, UserSummaryRow } from '../../shared/trace-queries-schema.js';
import { prepareSearch, requestTerms, sqlModeHints, type SearchLanguage } from '../search/prepare-search.js';
import { SqlParams } from '../search/sql-params.js';
import { fromTable, timeWhere } from './trace-queries.js';
import { MEMBER_MARGIN_MS, MEMBER_SLACK_MS, requestMatchesSql, rollupSql, type PriceOf } from './request-queries.js';
import { COMPACT_DURATION_NS_SQL, COMPACT_START_NS_SQL, COMPACT_TIMES_READS } from '../semantics/request-rollup-sql.js';
import { quantileOf, RAW_LIMIT, SKETCH_LEVELS, type Sketch } from './quantile-sketch.js';
import { activeParts, partsSignature } from './table-parts.js';
import { PartLineage } from './part-lineage.js';
import { MINUTE_MS, mergeMinutes, planSlices, runsOf, spansIn, SummarySliceCache, wholeMinutes, type CachedSlice, type MinuteCounts, type Minutes, type Piece, type Slice } from './summary-slices.js';

/** How far past a slice read now its spans are counted, in slices: most requests end well within one. */
const FRESH_REACH_SLICES = 1;

/** Cost series per model: this many models by cost, the rest summed as "other". */
export const SERIES_TOP_MODELS = 6;

/** ~60 points over the window, on round intervals. */
export function bucketMsFor(rangeMs: number): number {
  const steps = [60_000, 5 * 60_000, 15 * 60_000, 30 * 60_000, 3600_000, 3 * 3600_000, 6 * 3600_000, 24 * 3600_000];
  return steps.find((s) => rangeMs / s <= 100) ?? steps[steps.length - 1]!;
}

/** What the summaries read of each request. */
export const SUMMARY_FIELDS = ['tsNs', 'status', 'durationNs', 'model', 'pricedModel', 'user', 'provider', 'ttftMs', ...SUMMED_FACTS] as const;

/**
 * The grouping sets, as bits over (model, user, priced model): a bit is 1 where the key is NOT in
 * the set. Every set is per slice as well. Each fine group is repeated once per set (arrayJoin) and
 * grouped once: GROUP BY GROUPING SETS cost ~35 ms more to plan, even over no rows (measured).
 */
const SET = { slice: 7, model: 3, user: 5, modelPriced: 2, userPriced: 4 } as const;

const num = z.union([z.number(), z.string()]).transform(Number);
const numbers = z.array(z.union([z.number(), z.string(), z.null()])).transform((xs) => xs.map(Number).filter((x) => Number.isFinite(x)));

function sums<P extends string>(prefix: P): Record<`${P}${SummedFact}`, typeof num> {
  return Object.fromEntries(SUMMED_FACTS.map((f) => [`${prefix}${f}`, num])) as Record<`${P}${SummedFact}`, typeof num>;
}

const SliceRow = z.object({
  g: num,
  slice: num,
  model: z.string(),
  user: z.string(),
  pricedModel: z.string(),
  provider: z.string(),
  requests: num,
  errors: num,
  /** Requests no span reported a cost for: what an estimate prices (their tokens are the uncosted_ sums). */
  uncostedRequests: num,
  /** When the slice's longest request ended (ns): its member window's end. */
  maxEndNs: num,
  /** A user's distinct models. */
  models: z.array(z.string()),
  durationSketch: numbers,
  ttftCount: num,
  ttftSketch: numbers,
  ...sums('sum_'),
  ...sums('uncosted_'),
});
type SliceRow = z.infer<typeof SliceRow>;

/** The summaries' slices, shared by every caller in this process. */
export const summarySlices = new SummarySliceCache<SliceRow>();

/** The parts the summaries' slices were read from, and what they were merged into since. */
const summaryParts = new PartLineage();

const McpRaw = z.object({ server: z.string(), tool: z.string(), calls: num, errors: num, requests: num, p50Ms: num, p95Ms: num });
const MinuteRow = z.object({ m: num, n: num });

/**
 * A sketch of x as two aggregate states, kept per fine group (slice, model, user, priced model)
 * and merged into each grouping set: the first RAW_LIMIT values and the percentiles' sample.
 */
function sketchStatesSql(x: string, name: string, cond?: string): string {
  const levels = SKETCH_LEVELS.join(', ');
  return cond
    ? `groupArrayStateIf(${RAW_LIMIT})(${x}, ${cond}) AS ${name}_raw, quantilesStateIf(${levels})(${x}, ${cond}) AS ${name}_q`
    : `groupArrayState(${RAW_LIMIT})(${x}) AS ${name}_raw, quantilesState(${levels})(${x}) AS ${name}_q`;
}

/** The sketch from those states: the values while a group has few, else its percentiles. */
function sketchMergeSql(name: string, count: string): string {
  return `if(${count} <= ${RAW_LIMIT}, arraySort(groupArrayMerge(${RAW_LIMIT})(${name}_raw)), quantilesMerge(${SKETCH_LEVELS.join(', ')})(${name}_q))`;
}

/** A time range as a WHERE on Timestamp (the primary key's time column). */
function rangeWhere(params: SqlParams, r: Slice, column = 'Timestamp'): string {
  return `(${column} >= fromUnixTimestamp64Milli(${params.add('UInt64', Math.max(0, r.fromMs))}) AND ${column} ${r.toInclusive ? '<=' : '<'} fromUnixTimestamp64Milli(${params.add('UInt64', Math.max(0, r.toMs))}))`;
}

/** Spans per minute in the window, as the slices' fingerprint (toStartOfMinute: a third cheaper than dividing the milliseconds, measured). */
async function minuteCounts(location: TracesLocation, t: TracesTable, ranges: readonly { fromMs: number; toMs: number }[], service: string | null) {
  const params = new SqlParams();
  const svc = service ? `ServiceName = ${params.add('String', service)}` : '1';
  const inRanges = ranges.map((r) => timeWhere(params, r.fromMs, r.toMs)).join(' OR ');
  const answer = await queryRows(location, {
    kind: 'search',
    database: location.database,
    sql: `SELECT intDiv(toUnixTimestamp(toStartOfMinute(Timestamp)), 60) AS m, count() AS n FROM ${fromTable(t)} WHERE (${inRanges}) AND ${svc} GROUP BY m`,
    params: params.values,
    row: MinuteRow,
  });
  return { counts: new Map(answer.rows.map((r) => [r.m, r.n])) as MinuteCounts, rowsRead: answer.rowsRead, elapsedMs: answer.elapsedMs };
}

/**
 * The slices of `runs`, rolled up and grouped. Each run reads its own spans from a minute before
 * it, and past it only the spans of requests rooted in it (up to MEMBER_SLACK_MS later), so an
 * edge of a few minutes reads a few minutes, not the hour after it.
 */
async function readSlices(location: TracesLocation, t: TracesTable, q: { fromMs: number; toMs: number; service: string | null; sliceMs: number }, runs: readonly Slice[], byMinute: readonly number[], search: Awaited<ReturnType<typeof prepareSearch>>) {
  const params = new SqlParams();
  const svc = q.service ? `ServiceName = ${params.add('String', q.service)}` : '1';
  // A request's spans may start a minute before it (clock skew), so before the window too.
  const window: Slice = { fromMs: q.fromMs - MEMBER_MARGIN_MS, toMs: q.toMs, toInclusive: true };
  const spans = runs
    .map((r) => {
      const own = rangeWhere(params, { fromMs: r.fromMs - MEMBER_MARGIN_MS, toMs: r.toMs, toInclusive: r.toInclusive });
      const afterTo = Math.min(q.toMs, r.toMs + MEMBER_SLACK_MS);
      if (r.toInclusive || afterTo <= r.toMs) return own;
      const rootsIn = (from: number) => `FROM ${fromTable(t)} WHERE ${rangeWhere(params, { ...r, fromMs: from })} AND ${svc} AND ParentSpanId = ''`;
      // Up to a minute after the longest request ends (a scalar subquery: the engine reads it first
      // and bounds the primary-key range with it), not the hour the slack allows.
      const endsOf = (from: number) => `least(fromUnixTimestamp64Milli(${params.add('UInt64', afterTo)}), (SELECT max(Timestamp + toIntervalNanosecond(Duration)) ${rootsIn(from)}) + toIntervalMillisecond(${MEMBER_MARGIN_MS}))`;
      const after = (from: number) => `Timestamp >= fromUnixTimestamp64Milli(${params.add('UInt64', r.toMs)}) AND Timestamp <= ${endsOf(from)}`;
      // Past a run of hours (the rest of a window whose newest part was read first), the spans of
      // the requests rooted in its last hour (MEMBER_SLACK_MS: a request's spans are at most that
      // far past its root) are taken with all the others of those minutes, and the requests rooted
      // after the run dropped (HAVING rooted): a set of the run's millions of root ids, or its roots
      // read again to bound them, cost as much as the run itself (measured). Past an edge of
      // minutes, only its requests' spans.
      if (r.toMs - r.fromMs > MEMBER_SLACK_MS) return `${own} OR (${after(r.toMs - MEMBER_SLACK_MS)})`;
      return `${own} OR (${after(r.fromMs)} AND TraceId IN (SELECT TraceId ${rootsIn(r.fromMs)}))`;
    })
    .join(' OR ');
  // The same rule as the request list: each top-level AND term matches some span of the request.
  const searched = runs.map((r) => rangeWhere(params, { fromMs: r.fromMs - MEMBER_MARGIN_MS, toMs: r.toMs + MEMBER_SLACK_MS, toInclusive: true })).join(' OR ');
  const matched = requestMatchesSql(t, requestTerms(search, params), searched, svc);
  const where = `${rangeWhere(params, window)} AND ${svc} AND (${spans})${matched}`;
  // A request belongs to the run its root started in.
  const ns = (ms: number) => params.add('UInt64', String(BigInt(Math.max(0, Math.floor(ms))) * 1_000_000n));
  const rooted = runs.map((r) => `(r_startNs >= ${ns(r.fromMs)} AND r_startNs ${r.toInclusive ? '<=' : '<'} ${ns(r.toMs)})`).join(' OR ');
  const slice = params.add('UInt64', q.sliceMs);
  // Each request's piece: its bucket, or its minute in the buckets read by the minute.
  const pieceSql = `multiIf(has(${params.add('Array(UInt64)', byMinute)}, intDiv(r_ms, ${slice}) * ${slice}), intDiv(r_ms, ${MINUTE_MS}) * ${MINUTE_MS}, intDiv(r_ms, ${slice}) * ${slice})`;
  // Each request's own numbers, computed beside its rollup rather than in a SELECT * over it, and its
  // start and duration as numbers rather than read back from text: ~10 ms less planning (measured).
  const perRequest = `, ${COMPACT_START_NS_SQL} AS r_startNs, ${COMPACT_DURATION_NS_SQL} AS r_durationU, intDiv(r_startNs, 1000000) AS r_ms, ${pieceSql} AS r_slice, r_durationU / 1e6 AS r_durationMs, r_startNs + r_durationU AS r_endNs`;
  // Fine columns are f_-named: an outer alias equal to one would be read in its place inside the aggregates.
  const fineSums = SUMMED_FACTS.map((f) => `sum(ifNull(r_${f}, 0)) AS f_sum_${f}, sumIf(ifNull(r_${f}, 0), isNull(r_costUsd)) AS f_uncosted_${f}`).join(',\n                 ');
  const sums = SUMMED_FACTS.map((f) => `sum(f_sum_${f}) AS sum_${f}, sum(f_uncosted_${f}) AS uncosted_${f}`).join(', ');
  // Requests are grouped once by (slice, model, user, priced model) — slices × models × users at
  // most, far fewer than the requests — and the grouping sets are made of those groups: adding
  // millions of requests into five sets' tables each cost more (measured).
  const fine = `SELECT r_slice AS slice, r_model, r_user, r_pricedModel, anyIf(r_provider, r_provider != '') AS f_provider,
                 count() AS f_requests, countIf(r_status = 'error') AS f_errors, countIf(isNull(r_costUsd)) AS f_uncostedRequests, max(r_endNs) AS f_maxEnd,
                 ${sketchStatesSql('r_durationMs', 'f_duration')}, countIf(isNotNull(r_ttftMs)) AS f_ttftCount, ${sketchStatesSql('ifNull(r_ttftMs, 0)', 'f_ttft', 'isNotNull(r_ttftMs)')},
                 ${fineSums}
          FROM (${rollupSql(t, where, { fields: SUMMARY_FIELDS, onlyContributing: true, tieBreak: false, select: perRequest, selectReads: COMPACT_TIMES_READS, having: rooted })})
          GROUP BY r_slice, r_model, r_user, r_pricedModel`;
  const answer = await queryRows(location, {
    kind: 'search',
    database: location.database,
    sql: `SELECT g, slice, model, user, pricedModel, anyIf(f_provider, f_provider != '') AS provider,
                 sum(f_requests) AS requests, sum(f_errors) AS errors, sum(f_uncostedRequests) AS uncostedRequests,
                 toString(max(f_maxEnd)) AS maxEndNs,
                 if(g = ${SET.user}, groupUniqArrayIf(r_model, r_model != ''), []) AS models,
                 if(g IN (${SET.slice}, ${SET.model}), ${sketchMergeSql('f_duration', 'requests')}, []) AS durationSketch,
                 sum(f_ttftCount) AS ttftCount,
                 if(g = ${SET.model}, ${sketchMergeSql('f_ttft', 'ttftCount')}, []) AS ttftSketch,
                 ${sums}
          FROM (SELECT *, arrayJoin([${Object.values(SET).join(', ')}]) AS g, if(bitTest(g, 2), '', r_model) AS model, if(bitTest(g, 1), '', r_user) AS user, if(bitTest(g, 0), '', r_pricedModel) AS pricedModel
                FROM (${fine}))
          GROUP BY g, slice, model, user, pricedModel
          HAVING g != ${SET.userPriced} OR uncostedRequests > 0`,
    params: params.values,
    // Measured on chDB 26.7: planning this query costs ~15 ms less without these two rewrites, which find nothing to do here.
    hints: { optimize_aggregators_of_group_by_keys: 0, optimize_group_by_function_keys: 0, ...sqlModeHints(search) },
    row: SliceRow,
  });
  const bySlice = new Map<number, SliceRow[]>();
  for (const r of answer.rows) {
    const rows = bySlice.get(r.slice);
    if (rows) rows.push(r);
    else bySlice.set(r.slice, [r]);
  }
  // ClickHouse returns groups in any order; merged in one order, float sums come out the same every time.
  const order = (r: SliceRow) => `${r.g}\u0000${r.model}\u0000${r.user}\u0000${r.pricedModel}`;
  for (const rows of bySlice.values()) rows.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  return { bySlice, rowsRead: answer.rowsRead, elapsedMs: answer.elapsedMs };
}

interface Totals {
  requests: number;
  errors: number;
  sums: Record<SummedFact, number>;
  uncosted: Record<SummedFact, number>;
  provider: string;
  durations: Sketch[];
  ttfts: Sketch[];
  models: Set<string>;
}

const zeros = () => Object.fromEntries(SUMMED_FACTS.map((f) => [f, 0])) as Record<SummedFact, number>;

/** The slices' rows of one group, added up. */
function add<K>(into: Map<K, Totals>, key: K, r: SliceRow): void {
  let t = into.get(key);
  if (!t) into.set(key, (t = { requests: 0, errors: 0, sums: zeros(), uncosted: zeros(), provider: '', durations: [], ttfts: [], models: new Set() }));
  t.requests += r.requests;
  t.errors += r.errors;
  for (const f of SUMMED_FACTS) {
    t.sums[f] += r[`sum_${f}`];
    t.uncosted[f] += r[`uncosted_${f}`];
  }
  if (!t.provider && r.provider) t.provider = r.provider;
  if (r.durationSketch.length > 0) t.durations.push({ count: r.requests, points: r.durationSketch });
  if (r.ttftCount > 0 && r.ttftSketch.length > 0) t.ttfts.push({ count: r.ttftCount, points: r.ttftSketch });
  for (const m of r.models) t.models.add(m);
}

/**
 * A sum of dollars to the nano-dollar: slices added up in another grouping (a bucket cached whole,
 * or minute by minute) give the same figure, not one that differs in the 17th digit.
 */
const money = (usd: number) => Math.round(usd * 1e9) / 1e9;

/** The estimated cost of a group's uncosted requests, all of one priced model. */
function estimateOf(t: Totals, pricedModel: string, priceOf: PriceOf): number {
  const price = pricedModel ? priceOf(t.provider, pricedModel) : null;
  return price ? costAt(price, t.uncosted) : 0;
}

/**
 * The traffic summaries of the requests whose root started in [fromMs, toMs]: by model, by user
 * and over time from the slices (cached ones still valid, the rest read in one query), by MCP
 * server and tool in a query of its own over MCP spans.
 */
export async function trafficSummary(
  location: TracesLocation,
  fromMs: number,
  toMs: number,
  service: string | null,
  priceOf: PriceOf = () => null,
  searchInput: { query: string; language?: SearchLanguage } = { query: '' },
  /** The slices' length, when not the window's own (a preview of a wider window keeps that window's, so its slices are the wider one's: summary-preview.ts). */
  sliceMsOf: number = bucketMsFor(toMs - fromMs),
): Promise<z.infer<typeof TrafficSummary>> {
  return withTracesTable(location, async (t) => {
    const sliceMs = sliceMsOf;
    const search = await prepareSearch(searchInput.query, t, { fromMs, toMs }, searchInput.language);
    const key = SummarySliceCache.keyOf(location, [service, searchInput.language ?? 'lucene', searchInput.query.trim(), sliceMs]);
    const cached = summarySlices.slices(key);
    const memberFromMs = fromMs - MEMBER_MARGIN_MS;
    const inWindow = (c: CachedSlice<SliceRow>) => wholeMinutes(c.minutes.first * MINUTE_MS, c.minutes.last * MINUTE_MS, memberFromMs, toMs) !== null;
    // Fingerprints are read before the slices: a span that lands between the two makes a slice
    // look changed next time (read again), never unchanged.
    const parts = await activeParts(location, t, memberFromMs, toMs);
    // Named by the parts first read: a merge since leaves a slice's parts as they were.
    const leaves = parts ? summaryParts.leavesOf(SummarySliceCache.keyOf(location, []), parts.parts, { fromMs: memberFromMs, toMs }) : null;
    const partsOf = (m: Minutes) => (leaves ? partsSignature(leaves, m) : null);
    const byParts = (p: Piece) => {
      const c = cached.get(p.id);
      return p.whole && c !== undefined && inWindow(c) && c.parts !== null && c.parts === partsOf(c.minutes);
    };
    // Slices whose parts changed (a merge part-lineage.ts cannot tell, an insert near them) are checked
    // by their spans per minute. The whole slices about to be read that may be kept are counted too, from
    // a minute before them to a slice's length past them (FRESH_REACH_SLICES): a slice whose requests end
    // later is kept by its parts alone (read again when they change). Counted to the window's end, the
    // minutes read at the window's old end when it moves on counted the whole window (9.6 M rows).
    const byPartsRead = planSlices(fromMs, toMs, sliceMs, byParts).read;
    const doubtful = byPartsRead.flatMap((p) => {
      const c = cached.get(p.id);
      return p.whole && c !== undefined && inWindow(c) && c.spans !== null ? [c.minutes] : [];
    });
    const fresh = byPartsRead.flatMap((p) => {
      const c = cached.get(p.id);
      const checkable = c !== undefined && inWindow(c) && c.spans !== null;
      return p.whole && !checkable && p.toMs + MEMBER_MARGIN_MS <= toMs ? [{ first: Math.floor((p.fromMs - MEMBER_MARGIN_MS) / MINUTE_MS), last: Math.floor(Math.min(toMs, p.toMs + MEMBER_MARGIN_MS + FRESH_REACH_SLICES * sliceMs) / MINUTE_MS) }] : [];
    });
    // Counted as the few ranges they make (the changed slices, the edge about to be read), not one
    // range from the oldest to the newest: a merge of old parts and the window's new edge would
    // otherwise count every minute in between.
    const countRanges = mergeMinutes([...doubtful, ...fresh]).map((m) => ({ fromMs: Math.max(memberFromMs, m.first * MINUTE_MS), toMs: Math.min(toMs, (m.last + 1) * MINUTE_MS - 1) }));
    const counts = countRanges.length > 0 ? await minuteCounts(location, t, countRanges, service) : null;
    const spansOf = (m: Minutes) => (counts && countRanges.some((r) => m.first * MINUTE_MS >= r.fromMs && (m.last + 1) * MINUTE_MS - 1 <= r.toMs) ? spansIn(counts.counts, m) : null);
    const valid = (p: Piece) => {
      if (byParts(p)) return true;
      const c = cached.get(p.id);
      if (!p.whole || c === undefined || !inWindow(c) || c.spans === null || spansOf(c.minutes) !== c.spans) return false;
      c.parts = partsOf(c.minutes);
      return true;
    };
    const plan = planSlices(fromMs, toMs, sliceMs, valid);
    const toRead = new Set(plan.read);
    const runs = runsOf(plan.read);
    const byMinute = [...new Set(plan.read.filter((p) => p.lengthMs < sliceMs).map((p) => Math.floor(p.startMs / sliceMs) * sliceMs))];
    const [read, mcp] = await Promise.all([
      runs.length > 0 ? readSlices(location, t, { fromMs, toMs, service, sliceMs }, runs, byMinute, search) : Promise.resolve({ bySlice: new Map<number, SliceRow[]>(), rowsRead: 0, elapsedMs: 0 }),
      mcpSummary(location, t, fromMs, toMs, service, search),
    ]);
    // A whole piece read now is kept when every span its requests may have was in what was read.
    for (const p of plan.read) {
      if (!p.whole) continue;
      const rows = read.bySlice.get(p.startMs) ?? [];
      const own = rows.find((r) => r.g === SET.slice);
      const endMs = Math.max(p.toMs, own ? Math.ceil(own.maxEndNs / 1e6) : 0);
      const run = runs.find((r) => r.fromMs <= p.fromMs && p.toMs <= r.toMs)!;
      if (endMs + MEMBER_MARGIN_MS > Math.min(toMs, run.toMs + MEMBER_SLACK_MS)) continue;
      const minutes = wholeMinutes(p.fromMs - MEMBER_MARGIN_MS, endMs + MEMBER_MARGIN_MS, memberFromMs, toMs);
      if (minutes) summarySlices.put(key, p.id, { rows, minutes, spans: spansOf(minutes), parts: partsOf(minutes) });
    }
    // In time order, whichever way each came: sums of costs add up to the same float every time.
    const all = plan.pieces.flatMap((p) => (toRead.has(p) ? (read.bySlice.get(p.startMs) ?? []) : cached.get(p.id)!.rows));
    return {
      ...summaryOf(all, sliceMs, priceOf),
      fromMs,
      toMs,
      bucketMs: sliceMs,
      service,
      query: searchInput.query,
      quantilesApproximate: true,
      mcp: mcp.rows,
      slicesReused: plan.pieces.length - plan.read.length,
      slicesRead: plan.read.length,
      partial: false,
      rowsRead: (counts?.rowsRead ?? 0) + read.rowsRead + mcp.rowsRead,
      elapsedMs: (parts?.elapsedMs ?? 0) + (counts?.elapsedMs ?? 0) + read.elapsedMs + mcp.elapsedMs,
    };
  });
}

/** The window's summaries from its slices' rows. */
function summaryOf(rows: readonly SliceRow[], bucketMs: number, priceOf: PriceOf) {
  const bucketOf = (slice: number) => Math.floor(slice / bucketMs) * bucketMs;
  const byModel = new Map<string, Totals>();
  const byUser = new Map<string, Totals>();
  const byModelPriced = new Map<string, Totals>();
  const byUserPriced = new Map<string, Totals>();
  const bySlice = new Map<number, Totals>();
  const bySliceModelPriced = new Map<string, Totals>();
  for (const r of rows) {
    if (r.g === SET.slice) add(bySlice, bucketOf(r.slice), r);
    else if (r.g === SET.model) add(byModel, r.model, r);
    else if (r.g === SET.user) add(byUser, r.user, r);
    else if (r.g === SET.modelPriced) {
      add(byModelPriced, `${r.model}\u0000${r.pricedModel}`, r);
      add(bySliceModelPriced, `${bucketOf(r.slice)}\u0000${r.model}\u0000${r.pricedModel}`, r);
    } else if (r.g === SET.userPriced) add(byUserPriced, `${r.user}\u0000${r.pricedModel}`, r);
  }
  // Estimates come from the groups split by the model priced: that model's price times its requests' tokens.
  const estimates = (groups: Map<string, Totals>) => {
    const out = new Map<string, number>();
    for (const [k, tot] of groups) {
      const parts = k.split('\u0000');
      const owner = parts.slice(0, -1).join('\u0000');
      out.set(owner, (out.get(owner) ?? 0) + estimateOf(tot, parts[parts.length - 1]!, priceOf));
    }
    return out;
  };
  const modelEstimate = estimates(byModelPriced);
  const userEstimate = estimates(byUserPriced);
  const sliceModelEstimate = estimates(bySliceModelPriced);
  const withEstimate = (sums: Record<SummedFact, number>, estimate: number) => ({ ...sums, costUsd: money(sums.costUsd + estimate), costEstimatedUsd: money(estimate) });
  const models = [...byModel.entries()]
    .filter(([model]) => model !== '')
    .sort((a, b) => b[1].requests - a[1].requests)
    .slice(0, SUMMARY_TABLE_ROWS)
    .map(([model, r]) =>
      ModelSummaryRow.parse({
        model,
        requests: r.requests,
        errorRate: r.errors / r.requests,
        p50Ms: quantileOf(r.durations, 0.5) ?? 0,
        p95Ms: quantileOf(r.durations, 0.95) ?? 0,
        ttftP50Ms: quantileOf(r.ttfts, 0.5),
        ...withEstimate(r.sums, modelEstimate.get(model) ?? 0),
      }),
    );
  const users = [...byUser.entries()]
    .filter(([user]) => user !== '')
    .map(([user, r]) => UserSummaryRow.parse({ user, requests: r.requests, errorRate: r.errors / r.requests, models: r.models.size, ...withEstimate(r.sums, userEstimate.get(user) ?? 0) }))
    .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests)
    .slice(0, SUMMARY_TABLE_ROWS);
  // Cost per bucket and model, reported plus estimated; the top models by cost named, the rest "other".
  const bucketModelCost = new Map<string, { t: number; model: string; cost: number }>();
  for (const [k, tot] of bySliceModelPriced) {
    const [slice, model] = k.split('\u0000') as [string, string];
    const key = `${slice}\u0000${model}`;
    const entry = bucketModelCost.get(key) ?? { t: Number(slice), model, cost: sliceModelEstimate.get(key) ?? 0 };
    entry.cost += tot.sums.costUsd;
    bucketModelCost.set(key, entry);
  }
  const totalCost = new Map<string, number>();
  for (const e of bucketModelCost.values()) totalCost.set(e.model, (totalCost.get(e.model) ?? 0) + e.cost);
  const top = new Set([...totalCost.entries()].sort((a, b) => b[1] - a[1]).slice(0, SERIES_TOP_MODELS).map(([m]) => m));
  const points = new Map<number, z.infer<typeof SeriesPoint>>();
  for (const [slice, r] of bySlice) {
    points.set(slice, { t: slice, requests: r.requests, errors: r.errors, p95Ms: quantileOf(r.durations, 0.95) ?? 0, costByModel: {}, ...Object.fromEntries(TOKEN_FACTS.map((f) => [f, r.sums[f]])) } as z.infer<typeof SeriesPoint>);
  }
  for (const e of bucketModelCost.values()) {
    const p = points.get(e.t);
    if (!p || e.cost === 0) continue;
    const key = top.has(e.model) ? e.model || '(no model)' : 'other';
    p.costByModel[key] = (p.costByModel[key] ?? 0) + e.cost;
  }
  for (const p of points.values()) for (const k of Object.keys(p.costByModel)) p.costByModel[k] = money(p.costByModel[k]!);
  const series = [...points.values()].sort((a, b) => a.t - b.t);
  return { requests: series.reduce((n, p) => n + p.requests, 0), errors: series.reduce((n, p) => n + p.errors, 0), models, users, series };
}

/**
 * Per MCP server and tool, over the MCP spans of the window; with a search, only those of requests
 * it matches (each top-level AND term matches some span of the request, as in the request list).
 */
async function mcpSummary(location: TracesLocation, t: TracesTable, fromMs: number, toMs: number, service: string | null, search: Awaited<ReturnType<typeof prepareSearch>>) {
  const params = new SqlParams();
  const svc = service ? `ServiceName = ${params.add('String', service)}` : '1';
  const members: Slice = { fromMs: fromMs - MEMBER_MARGIN_MS, toMs: toMs + MEMBER_SLACK_MS, toInclusive: true };
  const matched = requestMatchesSql(t, requestTerms(search, params), rangeWhere(params, members), svc);
  const isMcp = factEqualsSql(t.layout, 'spanType', params.add('String', MCP_SPAN_TYPE), MCP_SPAN_TYPE);
  const latency = `ifNull(${numberAttributeSql(t.layout, MCP_LATENCY_KEYS)}, Duration / 1e6)`;
  const answer = await queryRows(location, {
    kind: 'search',
    database: location.database,
    sql: `SELECT server, tool, count() AS calls, countIf(failed) AS errors, uniqExact(TraceId) AS requests,
                 quantile(0.5)(latencyMs) AS p50Ms, quantile(0.95)(latencyMs) AS p95Ms
          FROM (SELECT TraceId, ${spanFactSql(t.layout, 'mcpServer')} AS server, ${spanFactSql(t.layout, 'mcpTool')} AS tool,
                       ${mcpErrorSql(t.layout)} OR ${ERROR_STATUS_SQL} AS failed, ${latency} AS latencyMs
                FROM ${fromTable(t)} WHERE ${timeWhere(params, fromMs, toMs)} AND ${svc} AND ${isMcp}${matched})
          GROUP BY server, tool ORDER BY calls DESC LIMIT 200`,
    params: params.values,
    hints: sqlModeHints(search),
    row: McpRaw,
  });
  return { rows: answer.rows.map((r) => McpSummaryRow.parse(r)), rowsRead: answer.rowsRead, elapsedMs: answer.elapsedMs };
}

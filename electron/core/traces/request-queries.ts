/**
 * Requests (a gateway trace's root with its spans rolled up): search and
 * the traffic summaries (by model, user, MCP tool, over time). All user values are parameters.
 */
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import type { TracesLocation } from '../clickhouse/server.js';
import { withTracesTable, type TracesTable } from '../clickhouse/traces-table.js';
import { MCP_SPAN_TYPE } from '../semantics/gateway-attributes.js';
import { MCP_LATENCY_KEYS } from '../semantics/span-facts.js';
import { requestRollupSql } from '../semantics/request-rollup-sql.js';
import { spanRowSelect } from '../semantics/span-row-select.js';
import { ERROR_STATUS_SQL, mcpErrorSql, numberAttributeSql, factEqualsSql, spanFactSql } from '../semantics/span-columns-sql.js';
import { rollupRequest } from '../../shared/request-row.js';
import type { SpanRow } from '../../shared/span-row.js';
import { SUMMED_FACTS, TOKEN_FACTS, type SummedFact } from '../../shared/request-facts.js';
import { costAt, withEstimatedCost, type ModelPrice } from '../../shared/price-schema.js';
import { McpSummaryRow, ModelSummaryRow, RequestSearchResult, SeriesPoint, TrafficSummary, UserSummaryRow } from '../../shared/trace-queries-schema.js';
import { prepareSearch, settingsFor, termWheres, type SearchLanguage } from '../search/prepare-search.js';
import { SqlParams } from '../search/sql-params.js';
import { fromTable, timeWhere } from './trace-queries.js';
import { readNewestFirst, SCAN_BUDGET, sliceWhere, type ScanBudget } from './time-slices.js';
import { scansText, servedByIndex } from './span-search.js';

/** A request's spans start after its root and before it ends: this much past the window still belongs to it. */
export const MEMBER_SLACK_MS = 60 * 60_000;
/** Cost series per model: this many models by cost, the rest summed as "other". */
export const SERIES_TOP_MODELS = 6;

/** One row per request (a trace with a root) whose spans satisfy `where`: the fields asked for, or all of them. */
export function rollupSql(t: TracesTable, where: string, extra: { columns?: string; select?: string; fields?: readonly string[]; onlyContributing?: boolean; tieBreak?: boolean } = {}): string {
  const sql = requestRollupSql(t.layout, extra.fields, { tieBreak: extra.tieBreak, compactKey: extra.onlyContributing });
  // Only the spans that can change the fields asked for: filtered on cheap columns before any attribute value is read.
  const contributing = extra.onlyContributing && sql.prefilter !== '1' ? ` AND ${sql.prefilter}` : '';
  return `SELECT ${sql.aggregates}${extra.select ?? ''} FROM (SELECT ${sql.spanColumns}${extra.columns ?? ''} FROM ${fromTable(t)} WHERE ${where}${contributing}) GROUP BY ${sql.groupKey} HAVING r_hasRoot`;
}

/** What the summaries read of each request. */
const SUMMARY_FIELDS = ['tsNs', 'status', 'durationNs', 'model', 'pricedModel', 'user', 'provider', 'ttftMs', ...SUMMED_FACTS] as const;

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
}

/** Member spans start this long before their root (clock skew between services) or end this long after it, at most. */
export const MEMBER_MARGIN_MS = 60_000;

const RootRow = z.object({ traceId: z.string(), tsNs: z.string(), endNs: z.string() });

/**
 * The newest requests in the window whose trace has a span matching the search (every span, not
 * only the root). The page's roots are found first, newest time slice first, then only their
 * traces are rolled up, over the few minutes those roots cover.
 */
export async function searchRequests(location: TracesLocation, q: RequestSearchInput, priceOf: PriceOf = () => null): Promise<z.infer<typeof RequestSearchResult>> {
  return withTracesTable(location, async (t) => {
    const base = new SqlParams();
    const svc = q.service ? `ServiceName = ${base.add('String', q.service)}` : '1';
    const search = await prepareSearch(q.query, t, q, q.language);
    // A request matches when each of the search's top-level AND terms matches some span of it:
    // `model:"x" status:error` finds requests to x in which any hop failed, as a person means it.
    const terms = termWheres(search, base);
    const older = q.before ? ` AND (Timestamp, TraceId) < (fromUnixTimestamp64Nano(toInt64(${base.add('UInt64', q.before.tsNs)})), ${base.add('String', q.before.traceId)})` : '';
    // A next page starts where the previous one ended, not at the window's end.
    const range = { fromMs: q.fromMs, toMs: q.before ? Math.min(q.toMs, Math.ceil(Number(BigInt(q.before.tsNs) / 1_000_000n)) + 1) : q.toMs };
    const roots = await readNewestFirst(
      range,
      q.limit,
      async (slice, want) => {
        const params = base.clone();
        const members = { fromMs: slice.fromMs, toMs: Math.min(slice.toMs, q.toMs) + MEMBER_SLACK_MS, toExclusive: false };
        const matched = terms.map((term) => ` AND TraceId IN (SELECT TraceId FROM ${fromTable(t)} WHERE ${sliceWhere(params, members)} AND ${svc} AND ${term})`).join('');
        const a = await queryRows(location, {
          kind: 'search',
          database: location.database,
          sql: `SELECT TraceId AS traceId, toString(toUnixTimestamp64Nano(Timestamp)) AS tsNs, toString(toUnixTimestamp64Nano(Timestamp) + Duration) AS endNs
                FROM ${fromTable(t)} WHERE ${sliceWhere(params, slice)} AND ${svc} AND ParentSpanId = ''${older}${matched}
                ORDER BY Timestamp DESC, TraceId DESC LIMIT ${want}`,
          params: params.values,
          settings: settingsFor(search),
          row: RootRow,
        });
        return { rows: a.rows, rowsRead: a.rowsRead, elapsedMs: a.elapsedMs };
      },
      terms.some((w) => scansText(w, q.language ?? 'lucene')) ? (q.scanBudget ?? SCAN_BUDGET) : null,
      terms.some(servedByIndex),
    );
    const stoppedAt = roots.searchedFromMs;
    const further = stoppedAt === null ? null : { tsNs: String(BigInt(stoppedAt) * 1_000_000n), traceId: 'f'.repeat(32) };
    if (roots.rows.length === 0) return { requests: [], truncated: false, next: further, searchedFromMs: stoppedAt, rowsRead: roots.rowsRead, elapsedMs: roots.elapsedMs };
    const params = base.clone();
    const startMs = Math.min(...roots.rows.map((r) => Number(BigInt(r.tsNs) / 1_000_000n)));
    const endMs = Math.max(...roots.rows.map((r) => Number(BigInt(r.endNs) / 1_000_000n)));
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
    const requests = roots.rows
      .filter((r) => byTrace.has(r.traceId))
      .map((r) => withEstimatedCost(rollupRequest(byTrace.get(r.traceId)!), priceOf));
    const page = requests.slice(0, q.limit);
    const last = page[page.length - 1];
    const truncated = requests.length > q.limit;
    return {
      requests: page,
      truncated,
      next: truncated && last ? { tsNs: last.tsNs, traceId: last.traceId } : further,
      searchedFromMs: stoppedAt,
      rowsRead: roots.rowsRead + answer.rowsRead,
      elapsedMs: roots.elapsedMs + answer.elapsedMs,
    };
  });
}

/** ~60 points over the window, on round intervals. */
export function bucketMsFor(rangeMs: number): number {
  const steps = [60_000, 5 * 60_000, 15 * 60_000, 30 * 60_000, 3600_000, 3 * 3600_000, 6 * 3600_000, 24 * 3600_000];
  return steps.find((s) => rangeMs / s <= 100) ?? steps[steps.length - 1]!;
}

const num = z.union([z.number(), z.string()]).transform(Number);
const numOrNull = z.union([z.number(), z.string(), z.null()]).transform((v) => (v === null ? null : Number(v)));

function sums<P extends string>(prefix: P): Record<`${P}${SummedFact}`, typeof num> {
  return Object.fromEntries(SUMMED_FACTS.map((f) => [`${prefix}${f}`, num])) as Record<`${P}${SummedFact}`, typeof num>;
}

const GroupedRow = z.object({
  g: num,
  model: z.string(),
  pricedModel: z.string(),
  user: z.string(),
  provider: z.string(),
  t: num,
  requests: num,
  errors: num,
  p50Ms: num,
  p95Ms: num,
  ttftP50Ms: numOrNull,
  models: num,
  ...sums('sum_'),
  /** The tokens of requests no span reported a cost for: what an estimate prices. */
  ...sums('uncosted_'),
});
type Grouped = z.infer<typeof GroupedRow>;

const McpRaw = z.object({ server: z.string(), tool: z.string(), calls: num, errors: num, requests: num, p50Ms: num, p95Ms: num });

/** A group's sums as reported (no estimate). */
function sumsOf(r: Grouped): Record<SummedFact, number> {
  return Object.fromEntries(SUMMED_FACTS.map((f) => [f, r[`sum_${f}`]])) as Record<SummedFact, number>;
}

/** The estimated cost of a group's uncosted requests, all of one priced model (the sets with r_pricedModel). */
function estimateOf(r: Grouped, priceOf: PriceOf): number {
  const price = r.pricedModel ? priceOf(r.provider, r.pricedModel) : null;
  const uncosted = Object.fromEntries(TOKEN_FACTS.map((f) => [f, r[`uncosted_${f}`]])) as Record<(typeof TOKEN_FACTS)[number], number>;
  return price ? costAt(price, uncosted) : 0;
}

/**
 * The traffic summaries, from requests whose root started in the window: by model, by user
 * and over time in one pass (GROUPING SETS over the per-request rollup), by MCP server and
 * tool in a second pass over MCP spans. A request no span reported a cost for is priced from
 * the catalog by its model (the estimate is kept apart as costEstimatedUsd).
 */
export async function trafficSummary(
  location: TracesLocation,
  fromMs: number,
  toMs: number,
  service: string | null,
  priceOf: PriceOf = () => null,
  searchInput: { query: string; language?: SearchLanguage } = { query: '' },
): Promise<z.infer<typeof TrafficSummary>> {
  return withTracesTable(location, async (t) => {
    const bucketMs = bucketMsFor(toMs - fromMs);
    const params = new SqlParams();
    const svc = service ? `ServiceName = ${params.add('String', service)}` : '1';
    const search = await prepareSearch(searchInput.query, t, { fromMs, toMs }, searchInput.language);
    // The same rule as the request list: each top-level AND term matches some span of the request.
    const matched = termWheres(search, params)
      .map((term) => ` AND TraceId IN (SELECT TraceId FROM ${fromTable(t)} WHERE ${timeWhere(params, fromMs, toMs + MEMBER_SLACK_MS)} AND ${svc} AND ${term})`)
      .join('');
    const window = `${timeWhere(params, fromMs, toMs)} AND ${svc}${matched}`;
    const bucket = params.add('UInt64', bucketMs / 1000);
    const sumSql = SUMMED_FACTS.map((f) => `sum(ifNull(r_${f}, 0)) AS sum_${f}, sumIf(ifNull(r_${f}, 0), isNull(r_costUsd)) AS uncosted_${f}`).join(',\n                   ');
    const grouped = await queryRows(location, {
      kind: 'search',
      database: location.database,
      sql: `SELECT grouping(r_model, r_user, t, r_pricedModel) AS g, r_model AS model, r_user AS user, t, r_pricedModel AS pricedModel, anyIf(r_provider, r_provider != '') AS provider,
                   count() AS requests, countIf(r_status = 'error') AS errors,
                   quantile(0.5)(toUInt64(r_durationNs)) / 1e6 AS p50Ms, quantile(0.95)(toUInt64(r_durationNs)) / 1e6 AS p95Ms,
                   quantileIf(0.5)(r_ttftMs, isNotNull(r_ttftMs)) AS ttftP50Raw, if(countIf(isNotNull(r_ttftMs)) > 0, ttftP50Raw, NULL) AS ttftP50Ms,
                   uniqExactIf(r_model, r_model != '') AS models,
                   ${sumSql}
            FROM (SELECT *, intDiv(toUInt64(r_tsNs), 1000000000 * ${bucket}) * ${bucket} * 1000 AS t FROM (${rollupSql(t, window, { fields: SUMMARY_FIELDS, onlyContributing: true, tieBreak: false })}))
            GROUP BY GROUPING SETS ((r_model), (r_user), (t), (r_model, r_pricedModel), (r_user, r_pricedModel), (t, r_model, r_pricedModel))`,
      params: params.values,
      settings: { force_grouping_standard_compatibility: 1, ...settingsFor(search) },
      row: GroupedRow,
    });
    // grouping(model, user, t, pricedModel), standard SQL semantics (pinned by the setting above): a bit is 1 where the key is NOT in the set.
    const set = (g: number) => ({ model: (g & 8) === 0, user: (g & 4) === 0, t: (g & 2) === 0, priced: (g & 1) === 0 });
    const rows = grouped.rows.map((r) => {
      const s = set(r.g);
      return { ...r, set: s, sums: sumsOf(r), estimate: s.priced ? estimateOf(r, priceOf) : 0 };
    });
    // Estimates come from the sets that split by the model priced: an estimate is that model's price times its requests' tokens.
    const estimated = (key: (r: (typeof rows)[number]) => string | null) => {
      const out = new Map<string, number>();
      for (const r of rows) {
        const k = r.set.priced ? key(r) : null;
        if (k !== null) out.set(k, (out.get(k) ?? 0) + r.estimate);
      }
      return out;
    };
    const byModel = estimated((r) => (r.set.model && !r.set.user && !r.set.t ? r.model : null));
    const byUser = estimated((r) => (r.set.user && !r.set.model && !r.set.t ? r.user : null));
    const byBucketModel = estimated((r) => (r.set.t && r.set.model ? `${r.t}\u0000${r.model}` : null));
    const withEstimate = (sums: Record<SummedFact, number>, estimate: number) => ({ ...sums, costUsd: sums.costUsd + estimate, costEstimatedUsd: estimate });
    const only = (r: (typeof rows)[number], keys: { model?: boolean; user?: boolean; t?: boolean }) => r.set.model === Boolean(keys.model) && r.set.user === Boolean(keys.user) && r.set.t === Boolean(keys.t) && !r.set.priced;
    const models = rows
      .filter((r) => only(r, { model: true }) && r.model !== '')
      .sort((a, b) => b.requests - a.requests)
      .slice(0, 100)
      .map((r) => ModelSummaryRow.parse({ model: r.model, requests: r.requests, errorRate: r.errors / r.requests, p50Ms: r.p50Ms, p95Ms: r.p95Ms, ttftP50Ms: r.ttftP50Ms, ...withEstimate(r.sums, byModel.get(r.model) ?? 0) }));
    const users = rows
      .filter((r) => only(r, { user: true }) && r.user !== '')
      .map((r) => UserSummaryRow.parse({ user: r.user, requests: r.requests, errorRate: r.errors / r.requests, models: r.models, ...withEstimate(r.sums, byUser.get(r.user) ?? 0) }))
      .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests)
      .slice(0, 100);
    // Cost per bucket and model: the (t, model, pricedModel) rows, reported cost plus estimate.
    const bucketModelCost = new Map<string, { t: number; model: string; cost: number }>();
    for (const r of rows) {
      if (!(r.set.t && r.set.model && r.set.priced)) continue;
      const key = `${r.t}\u0000${r.model}`;
      const entry = bucketModelCost.get(key) ?? { t: r.t, model: r.model, cost: 0 };
      entry.cost += r.sums.costUsd;
      bucketModelCost.set(key, entry);
    }
    for (const [key, entry] of bucketModelCost) entry.cost += byBucketModel.get(key) ?? 0;
    const totalCost = new Map<string, number>();
    for (const e of bucketModelCost.values()) totalCost.set(e.model, (totalCost.get(e.model) ?? 0) + e.cost);
    const top = new Set([...totalCost.entries()].sort((a, b) => b[1] - a[1]).slice(0, SERIES_TOP_MODELS).map(([m]) => m));
    const points = new Map<number, z.infer<typeof SeriesPoint>>();
    for (const r of rows.filter((x) => only(x, { t: true }))) points.set(r.t, { t: r.t, requests: r.requests, errors: r.errors, p95Ms: r.p95Ms, costByModel: {}, ...Object.fromEntries(TOKEN_FACTS.map((f) => [f, r.sums[f]])) } as z.infer<typeof SeriesPoint>);
    for (const e of bucketModelCost.values()) {
      const p = points.get(e.t);
      if (!p || e.cost === 0) continue;
      const key = top.has(e.model) ? e.model || '(no model)' : 'other';
      p.costByModel[key] = (p.costByModel[key] ?? 0) + e.cost;
    }
    const mcp = await mcpSummary(location, t, fromMs, toMs, service);
    const perBucket = rows.filter((x) => only(x, { t: true }));
    return {
      fromMs,
      toMs,
      bucketMs,
      service,
      query: searchInput.query,
      requests: perBucket.reduce((n, r) => n + r.requests, 0),
      errors: perBucket.reduce((n, r) => n + r.errors, 0),
      quantilesApproximate: true,
      models,
      users,
      mcp: mcp.rows,
      series: [...points.values()].sort((a, b) => a.t - b.t),
      rowsRead: grouped.rowsRead + mcp.rowsRead,
      elapsedMs: grouped.elapsedMs + mcp.elapsedMs,
    };
  });
}

async function mcpSummary(location: TracesLocation, t: TracesTable, fromMs: number, toMs: number, service: string | null) {
  const params = new SqlParams();
  const svc = service ? `ServiceName = ${params.add('String', service)}` : '1';
  const isMcp = factEqualsSql(t.layout, 'spanType', params.add('String', MCP_SPAN_TYPE), MCP_SPAN_TYPE);
  const latency = `ifNull(${numberAttributeSql(t.layout, MCP_LATENCY_KEYS)}, Duration / 1e6)`;
  const answer = await queryRows(location, {
    kind: 'search',
    database: location.database,
    sql: `SELECT server, tool, count() AS calls, countIf(failed) AS errors, uniqExact(TraceId) AS requests,
                 quantile(0.5)(latencyMs) AS p50Ms, quantile(0.95)(latencyMs) AS p95Ms
          FROM (SELECT TraceId, ${spanFactSql(t.layout, 'mcpServer')} AS server, ${spanFactSql(t.layout, 'mcpTool')} AS tool,
                       ${mcpErrorSql(t.layout)} OR ${ERROR_STATUS_SQL} AS failed, ${latency} AS latencyMs
                FROM ${fromTable(t)} WHERE ${timeWhere(params, fromMs, toMs)} AND ${svc} AND ${isMcp})
          GROUP BY server, tool ORDER BY calls DESC LIMIT 200`,
    params: params.values,
    row: McpRaw,
  });
  return { rows: answer.rows.map((r) => McpSummaryRow.parse(r)), rowsRead: answer.rowsRead, elapsedMs: answer.elapsedMs };
}

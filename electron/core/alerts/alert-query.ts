/**
 * One query evaluates every rule of a profile: the requests whose root started in the widest
 * window the rules need are rolled up once (the span-fact spec's rollup, only the fields the
 * metrics read), each request is fanned out to the (rule, window, scope) groups it belongs to
 * with arrayJoin, and one GROUP BY computes every metric of every group. The table is read once
 * per evaluation, whatever the number of rules. Every user value (a scope's name, the service,
 * the times) is a query parameter.
 */
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import type { TracesLocation } from '../clickhouse/server.js';
import { withTracesTable, type TracesTable } from '../clickhouse/traces-table.js';
import { requestRollupSql } from '../semantics/request-rollup-sql.js';
import { SqlParams } from '../search/sql-params.js';
import { fromTable, timeWhere } from '../traces/trace-queries.js';
import { ERROR_STATUS_SQL, spanFactSql } from '../semantics/span-columns-sql.js';
import type { AlertRule, AlertScope } from '../../shared/alert-rules.js';
import { costAt, type ModelPrice } from '../../shared/price-schema.js';

/** The alias of the fan-out in the evaluation's SQL: tests that count ClickHouse requests tell an evaluation by it. */
export const ALERT_QUERY_MARKER = 'alert_group';

/** A request's spans start after its root: this much past the evaluation's time still belongs to the requests in it. */
export const ALERT_MEMBER_SLACK_MS = 5 * 60_000;
/** A poll that reads the previous 24 h of a busy gateway takes seconds: it may take this long (a poll never overlaps the next). */
export const ALERT_QUERY_TIMEOUT_MS = 60_000;

/**
 * The rollup fields the rules read: a field no rule needs is not computed (each costs an aggregate
 * per request, and the previous 24 h hold millions of requests).
 */
function fieldsFor(rules: readonly AlertRule[]): { fields: string[]; has: (f: string) => boolean } {
  const need = new Set<string>(['tsNs', 'status', 'durationNs']);
  for (const r of rules) {
    if (r.scope.kind === 'model') need.add('model');
    if (r.scope.kind === 'user') need.add('user');
    if (r.scope.kind === 'team') need.add('teams');
    if (r.scope.kind === 'mcpServer' || r.metric === 'mcpToolErrorRate') need.add('mcpServer').add('mcpErrors');
    if (r.metric === 'p95TtftMs') need.add('ttftMs');
    // A request no span reported a cost for is priced by the model it called (the rollup's pricedModel) from its token split, as the summaries price it.
    if (r.metric === 'costUsd') for (const f of ['costUsd', 'pricedModel', 'provider', 'inputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'outputTokens']) need.add(f);
    if (r.metric === 'tokens') need.add('inputTokens').add('outputTokens');
  }
  return { fields: [...need], has: (f) => need.has(f) };
}

/**
 * A failed request's message for the alert's sentence, without the rollup's failed-leaf search:
 * the error message (or status message) of the failed span that started last — the deepest hop
 * of a gateway call (its Network Call, with the upstream's 429).
 */
function errorTextSql(layout: TracesTable['layout']): { column: string; aggregate: string } {
  return {
    column: `, if(${ERROR_STATUS_SQL}, if(${spanFactSql(layout, 'errorMessage')} != '', ${spanFactSql(layout, 'errorMessage')}, StatusMessage), '') AS alertErrorText`,
    aggregate: `, argMaxIf(alertErrorText, tsNs64, alertErrorText != '') AS r_alertError`,
  };
}

/** One group the query computes: a rule's window (its current one, or its baseline) over [fromMs, toMs]. */
export interface WindowSpec {
  /** Index of the rule in the list given. */
  rule: number;
  window: 'current' | 'baseline' | `step${number}`;
  fromMs: number;
  toMs: number;
}

/** A model's price for estimated costs (the catalog with the user's overrides), or null. */
export type PriceOf = (provider: string, model: string) => ModelPrice | null;

export interface GroupMetrics {
  rule: number;
  window: string;
  scope: string;
  requests: number;
  errors: number;
  p95LatencyMs: number | null;
  p95TtftMs: number | null;
  costUsd: number;
  tokens: number;
  mcpCalls: number;
  mcpErrors: number;
  topError: string;
}

const num = z.union([z.number(), z.string()]).transform(Number);
const numOrNull = z.union([z.number(), z.string(), z.null()]).transform((v) => (v === null ? null : Number(v)));
const Row = z.object({
  rule: num,
  w: z.string(),
  scope: z.string(),
  priced: z.string(),
  provider: z.string(),
  inTok: num,
  readTok: num,
  writeTok: num,
  outTok: num,
  n: num,
  errors: num,
  p95Ms: numOrNull,
  ttftN: num,
  ttftP95: numOrNull,
  cost: num,
  tokens: num,
  mcpCalls: num,
  mcpErrors: num,
  topErr: z.array(z.string()),
});

/** The scope values of one request for a rule, as an Array(String) expression over the per-request columns. */
function scopeValuesSql(scope: AlertScope, params: SqlParams): string {
  if (scope.kind === 'all') return "['']";
  const column = { model: 'model', user: 'user', team: '', mcpServer: 'mcpServer' }[scope.kind];
  if (scope.kind === 'team') {
    if (scope.value === null) return 'teamList';
    const v = params.add('String', scope.value);
    return `if(has(teamList, ${v}), [${v}], [])`;
  }
  if (scope.value === null) return `if(${column} != '', [${column}], [])`;
  return `if(${column} = ${params.add('String', scope.value)}, [${column}], [])`;
}

export interface EvaluationAnswer {
  groups: GroupMetrics[];
  rowsRead: number;
  elapsedMs: number;
  /** The span window read. */
  fromMs: number;
  toMs: number;
}

/**
 * Computes every group of `windows` for `rules` in one query over the profile's service.
 * A request is in a window when its root started in (fromMs, toMs].
 */
export async function evaluateWindows(location: TracesLocation, service: string | null, rules: readonly AlertRule[], windows: readonly WindowSpec[], signal?: AbortSignal, priceOf: PriceOf = () => null): Promise<EvaluationAnswer> {
  if (windows.length === 0) return { groups: [], rowsRead: 0, elapsedMs: 0, fromMs: 0, toMs: 0 };
  return withTracesTable(location, (t) => evaluateOn(t, location, service, rules, windows, signal, priceOf));
}

async function evaluateOn(t: TracesTable, location: TracesLocation, service: string | null, rules: readonly AlertRule[], windows: readonly WindowSpec[], signal: AbortSignal | undefined, priceOf: PriceOf): Promise<EvaluationAnswer> {
  const params = new SqlParams();
  const fromMs = Math.min(...windows.map((w) => w.fromMs));
  const toMs = Math.max(...windows.map((w) => w.toMs));
  const svc = service ? `ServiceName = ${params.add('String', service)}` : '1';
  const { fields, has } = fieldsFor(rules);
  const rollup = requestRollupSql(t.layout, fields);
  const errorText = errorTextSql(t.layout);
  const wantsErrors = rules.some((r) => r.metric === 'errorRate');
  // Each window: the requests it holds, fanned out to the rule's scopes (a request of two teams counts for each).
  const scopeSql = new Map<number, string>();
  const parts = windows.map((w) => {
    const rule = rules[w.rule]!;
    let scopes = scopeSql.get(w.rule);
    if (!scopes) {
      scopes = scopeValuesSql(rule.scope, params);
      scopeSql.set(w.rule, scopes);
    }
    const from = params.add('UInt64', Math.max(0, Math.floor(w.fromMs)));
    const to = params.add('UInt64', Math.max(0, Math.floor(w.toMs)));
    // Cost rules keep the requests without a reported cost apart by model, to price them after the query.
    const priced = rule.metric === 'costUsd' ? 'pricedModel' : "''";
    return `if(tsMs > ${from} AND tsMs <= ${to}, arrayMap(s -> (toUInt16(${w.rule}), '${w.window}', s, ${priced}), ${scopes}), [])`;
  });
  const or = (f: string, sql: string, none: string) => (has(f) ? sql : none);
  const perRequest = `SELECT intDiv(toUInt64(r_tsNs), 1000000) AS tsMs, r_status = 'error' AS failed, toUInt64(r_durationNs) / 1e6 AS durMs,
           ${or('model', 'r_model', "''")} AS model, ${or('user', 'r_user', "''")} AS user, ${or('mcpServer', 'r_mcpServer', "''")} AS mcpServer, ${or('mcpErrors', 'r_mcpErrors', '0')} AS mcpErrs,
           ${or('ttftMs', 'r_ttftMs', 'CAST(NULL AS Nullable(Float64))')} AS ttft, ${wantsErrors ? 'r_alertError' : "''"} AS errMsg,
           ${or('costUsd', 'ifNull(r_costUsd, 0)', '0')} AS cost, ${or('inputTokens', 'ifNull(r_inputTokens, 0) + ifNull(r_outputTokens, 0)', '0')} AS toks,
           ${or('pricedModel', "if(isNull(r_costUsd), r_pricedModel, '')", "''")} AS pricedModel, ${or('provider', 'r_provider', "''")} AS provider,
           ${or('inputTokens', 'ifNull(r_inputTokens, 0)', '0')} AS inT, ${or('cacheReadTokens', 'ifNull(r_cacheReadTokens, 0)', '0')} AS readT,
           ${or('cacheWriteTokens', 'ifNull(r_cacheWriteTokens, 0)', '0')} AS writeT, ${or('outputTokens', 'ifNull(r_outputTokens, 0)', '0')} AS outT,
           ${or('teams', "if(isValidJSON(r_teams), JSONExtract(r_teams, 'Array(String)'), if(r_teams != '', [r_teams], []))", 'CAST([] AS Array(String))')} AS teamList
    FROM (SELECT ${rollup.aggregates}${wantsErrors ? errorText.aggregate : ''}
          FROM (SELECT ${rollup.spanColumns}${wantsErrors ? errorText.column : ''}${wantsErrors && !/\btsNs64\b/.test(rollup.spanColumns) ? ', toUnixTimestamp64Nano(Timestamp) AS tsNs64' : ''} FROM ${fromTable(t)} WHERE ${timeWhere(params, fromMs, toMs + ALERT_MEMBER_SLACK_MS)} AND ${svc})
          GROUP BY traceId HAVING r_hasRoot)`;
  const sql = `SELECT ${ALERT_QUERY_MARKER}.1 AS rule, ${ALERT_QUERY_MARKER}.2 AS w, ${ALERT_QUERY_MARKER}.3 AS scope, ${ALERT_QUERY_MARKER}.4 AS priced, anyIf(provider, provider != '') AS provider,
         sum(inT) AS inTok, sum(readT) AS readTok, sum(writeT) AS writeTok, sum(outT) AS outTok, count() AS n, countIf(failed) AS errors,
         quantile(0.95)(durMs) AS p95Ms,
         countIf(isNotNull(ttft)) AS ttftN, quantileIf(0.95)(ttft, isNotNull(ttft)) AS ttftP95,
         sum(cost) AS cost, sum(toks) AS tokens,
         countIf(mcpServer != '') AS mcpCalls, countIf(mcpServer != '' AND mcpErrs > 0) AS mcpErrors,
         topKIf(1)(substring(errMsg, 1, 300), failed AND errMsg != '') AS topErr
  FROM (SELECT *, arrayJoin(arrayConcat(${parts.join(',\n      ')})) AS ${ALERT_QUERY_MARKER} FROM (${perRequest}))
  GROUP BY rule, w, scope, priced`;
  const answer = await queryRows(location, { kind: 'search', database: location.database, sql, params: params.values, signal, row: Row, timeoutMs: ALERT_QUERY_TIMEOUT_MS });
  // A cost rule's group comes back in parts (reported costs, and each model's unpriced requests): priced and added up here.
  const merged = new Map<string, GroupMetrics>();
  for (const r of answer.rows) {
    const estimate = r.priced ? ((p) => (p ? costAt(p, { inputTokens: r.inTok, cacheReadTokens: r.readTok, cacheWriteTokens: r.writeTok, outputTokens: r.outTok }) : 0))(priceOf(r.provider, r.priced)) : 0;
    const key = `${r.rule}\u0000${r.w}\u0000${r.scope}`;
    const g = merged.get(key);
    if (g) {
      g.requests += r.n;
      g.errors += r.errors;
      g.costUsd += r.cost + estimate;
      g.tokens += r.tokens;
      continue;
    }
    merged.set(key, {
      rule: r.rule,
      window: r.w,
      scope: r.scope,
      requests: r.n,
      errors: r.errors,
      p95LatencyMs: r.n > 0 ? r.p95Ms : null,
      p95TtftMs: r.ttftN > 0 ? r.ttftP95 : null,
      costUsd: r.cost,
      tokens: r.tokens,
      mcpCalls: r.mcpCalls,
      mcpErrors: r.mcpErrors,
      topError: r.topErr[0] ?? '',
    });
    merged.get(key)!.costUsd += estimate;
  }
  return {
    groups: [...merged.values()],
    rowsRead: answer.rowsRead,
    elapsedMs: answer.elapsedMs,
    fromMs,
    toMs,
  };
}

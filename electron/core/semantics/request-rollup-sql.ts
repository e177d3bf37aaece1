/**
 * The request rollup in SQL: per trace, the same rules as rollupRequest() in
 * shared/request-row.ts (a test holds the two equal). The inner query yields one row per span
 * with the span-row columns; this file aggregates them per trace.
 */
import { GUARDRAIL_SPAN_TYPE, MCP_SPAN_TYPE, MODEL_SPAN_TYPE } from './gateway-attributes.js';

const ROOT = "parentSpanId = ''";
const ERR = "status = 'error'";
const IS_MODEL = `spanType = '${MODEL_SPAN_TYPE}'`;

/** Model spans' sum when any reports it; else the root's value; else the sum over reporters; NULL when none. */
function metric(col: string): string {
  return `if(countIf(${IS_MODEL} AND isNotNull(${col})) > 0, sumIf(${col}, ${IS_MODEL}),
       if(countIf(${ROOT} AND isNotNull(${col})) > 0, anyIf(${col}, ${ROOT} AND isNotNull(${col})),
       if(countIf(isNotNull(${col})) > 0, sum(${col}), NULL)))`;
}

/** The root's value, else the first non-empty one in start order. */
function first(col: string): string {
  return `if(anyIf(${col}, ${ROOT}) != '', anyIf(${col}, ${ROOT}), argMinIf(${col}, tsNs64, ${col} != ''))`;
}

const CALLED_MODELS = `arrayDistinct(arrayMap(x -> x.2, arraySort(x -> x.1, groupArrayIf((tsNs64, calledModel), ${IS_MODEL} AND calledModel != ''))))`;
const CALLED_ANY = `arrayDistinct(arrayMap(x -> x.2, arraySort(x -> x.1, groupArrayIf((tsNs64, calledModel), NOT ${ROOT} AND calledModel != ''))))`;

/**
 * The per-span columns the rollup needs, from a span-row subquery: its `status` is ok/error/unset and
 * `tsNs64` the start in nanoseconds as a number (for ordering).
 */
export const SPAN_STATUS_SQL = "multiIf(statusCode IN ('Error', 'STATUS_CODE_ERROR'), 'error', statusCode IN ('Ok', 'STATUS_CODE_OK'), 'ok', 'unset')";

/**
 * SELECT list over the span rows of one trace (GROUP BY traceId). Every output is named r_<RequestRow field>:
 * an alias equal to an inner column would be substituted inside the aggregates that read that column.
 */
export const REQUEST_ROLLUP_SQL = `
  traceId AS r_traceId,
  countIf(${ROOT}) > 0 AS r_hasRoot,
  if(r_hasRoot, argMinIf(ts, tsNs64, ${ROOT}), argMin(ts, tsNs64)) AS r_ts,
  toString(if(r_hasRoot, minIf(tsNs64, ${ROOT}), min(tsNs64))) AS r_tsNs,
  if(r_hasRoot, argMinIf(service, tsNs64, ${ROOT}), argMin(service, tsNs64)) AS r_service,
  if(r_hasRoot, argMinIf(name, tsNs64, ${ROOT}), argMin(name, tsNs64)) AS r_name,
  if(r_hasRoot, argMinIf(spanType, tsNs64, ${ROOT}), argMin(spanType, tsNs64)) AS r_spanType,
  multiIf(countIf(${ERR}) > 0, 'error', anyIf(status, ${ROOT}) = 'ok', 'ok', 'unset') AS r_status,
  toString(if(r_hasRoot, anyIf(durationNs64, ${ROOT}), max(tsNs64 + durationNs64) - min(tsNs64))) AS r_durationNs,
  ${CALLED_MODELS} AS r_calledModelSpans,
  if(length(r_calledModelSpans) > 0, r_calledModelSpans, ${CALLED_ANY}) AS r_calledModels,
  multiIf(anyIf(model, ${ROOT}) != '', anyIf(model, ${ROOT}), length(r_calledModels) > 0, r_calledModels[1], argMinIf(model, tsNs64, model != '')) AS r_model,
  ${first('caller')} AS r_user,
  ${first('teams')} AS r_teams,
  ${first('conversationId')} AS r_conversationId,
  ${first('metadata')} AS r_metadata,
  ${metric('inputTokens')} AS r_inputTokens,
  ${metric('outputTokens')} AS r_outputTokens,
  ${metric('cachedTokens')} AS r_cachedTokens,
  ${metric('costUsd')} AS r_costUsd,
  multiIf(countIf(${IS_MODEL} AND isNotNull(ttftMs)) > 0, argMaxIf(ttftMs, tsNs64, ${IS_MODEL} AND isNotNull(ttftMs)),
          countIf(${ROOT} AND isNotNull(ttftMs)) > 0, anyIf(ttftMs, ${ROOT} AND isNotNull(ttftMs)),
          argMinIf(ttftMs, tsNs64, isNotNull(ttftMs))) AS r_ttftMs,
  count() AS r_spanCount,
  countIf(${ERR}) AS r_errorCount,
  if(r_errorCount > 0, argMinIf(name, tsNs64, ${ERR}), '') AS r_failedSpan,
  if(${first('errorMessage')} != '', ${first('errorMessage')}, if(r_errorCount > 0, argMinIf(statusMessage, tsNs64, ${ERR}), '')) AS r_errorMessage,
  arrayMap(x -> (x.2, x.3), arraySort(x -> x.1, groupArrayIf((tsNs64, guardrail, guardrailResult), spanType = '${GUARDRAIL_SPAN_TYPE}'))) AS r_guardrails,
  argMinIf(mcpServer, tsNs64, spanType = '${MCP_SPAN_TYPE}') AS r_mcpServer,
  argMinIf(mcpTool, tsNs64, spanType = '${MCP_SPAN_TYPE}') AS r_mcpTool,
  argMinIf(mcpMethod, tsNs64, spanType = '${MCP_SPAN_TYPE}') AS r_mcpMethod,
  countIf(spanType = '${MCP_SPAN_TYPE}' AND (mcpError OR ${ERR})) AS r_mcpErrors`;

/** Extra per-span columns the rollup reads, beside the span-row columns. */
export const ROLLUP_SPAN_EXTRAS_SQL = `toUnixTimestamp64Nano(Timestamp) AS tsNs64, Duration AS durationNs64, ${SPAN_STATUS_SQL.replaceAll('statusCode', 'StatusCode')} AS status`;


/** Turns an r_-prefixed rollup row from ClickHouse's JSON into a RequestRow's fields. */
export function fromRollupRow(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (k.startsWith('r_')) out[k.slice(2)] = v;
  out.hasRoot = Boolean(out.hasRoot);
  out.guardrails = Array.isArray(out.guardrails) ? (out.guardrails as unknown[]).map((p) => (Array.isArray(p) ? { name: String(p[0] ?? ''), result: String(p[1] ?? '') } : p)) : [];
  for (const k of ['spanCount', 'errorCount', 'mcpErrors']) out[k] = Number(out[k]);
  for (const k of ['inputTokens', 'outputTokens', 'cachedTokens', 'costUsd', 'ttftMs']) out[k] = out[k] === null || out[k] === undefined ? null : Number(out[k]);
  delete out.calledModelSpans;
  return out;
}

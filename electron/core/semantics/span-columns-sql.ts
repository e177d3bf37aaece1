/**
 * SQL for the gateway's facts as columns of a span row, built from the table layout and the
 * semantics keys. Keys are our constants (never user input), passed as literals the engine
 * can fold; user values never reach this file.
 */
import type { AttributeMap, TableLayout } from '../clickhouse/table-layout.js';
import {
  CACHED_TOKEN_KEYS,
  CALLED_MODEL_KEYS,
  CALLER_KEYS,
  CONVERSATION_KEYS,
  COST_KEYS,
  ERROR_MESSAGE_KEYS,
  GUARDRAIL_NAME_KEYS,
  GUARDRAIL_RESULT_KEYS,
  INPUT_TOKEN_KEYS,
  MCP_ERROR_CODE_KEYS,
  MCP_METHOD_KEYS,
  MCP_SERVER_KEYS,
  MCP_TOOL_ERROR_KEYS,
  MCP_TOOL_KEYS,
  METADATA_KEYS,
  TEAMS_KEYS,
  MODEL_KEYS,
  OUTPUT_TOKEN_KEYS,
  SPAN_TYPE_KEYS,
  TTFT_KEYS,
} from './gateway-attributes.js';

/** A constant key as a ClickHouse string literal; the keys are ours, checked to hold no quote. */
function keyLiteral(key: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(key)) throw new Error(`attribute key ${key} is not a plain constant`);
  return `'${key}'`;
}

export function attributeSql(layout: TableLayout, map: AttributeMap, keySql: string): string {
  if (layout.attributeStorage === 'json') throw new Error('JSON attribute tables are not readable yet.');
  return `${map}[${keySql}]`;
}

/** An exact attribute match in the form the table's indexes serve: the items text index where there is one. */
export function exactAttributeSql(layout: TableLayout, map: AttributeMap, keySql: string, valueSql: string): string {
  const items = layout.itemsColumn[map];
  return items ? `has(${items}, concat(${keySql}, '=', ${valueSql}))` : `${attributeSql(layout, map, keySql)} = ${valueSql}`;
}

/** Any of the constant keys equals a value (already a parameter), through the table's indexes. */
export function anyKeyEqualsSql(layout: TableLayout, keys: readonly string[], valueSql: string): string {
  return `(${keys.map((k) => exactAttributeSql(layout, 'SpanAttributes', keyLiteral(k), valueSql)).join(' OR ')})`;
}

/** The first non-empty value among constant keys, as a String ('' when none). */
export function firstAttributeSql(layout: TableLayout, keys: readonly string[]): string {
  if (keys.length === 1) return attributeSql(layout, 'SpanAttributes', keyLiteral(keys[0]!));
  return `coalesce(${keys.map((k) => `nullIf(${attributeSql(layout, 'SpanAttributes', keyLiteral(k))}, '')`).join(', ')}, '')`;
}

export function numberAttributeSql(layout: TableLayout, keys: readonly string[]): string {
  return `toFloat64OrNull(${firstAttributeSql(layout, keys)})`;
}

/** Either StatusCode spelling (Error, STATUS_CODE_ERROR). */
export const ERROR_STATUS_SQL = "StatusCode IN ('Error', 'STATUS_CODE_ERROR')";

/** The SELECT list behind SpanRow. */
export function spanRowColumnsSql(layout: TableLayout): string {
  return `
  toString(Timestamp) AS ts, toString(toUnixTimestamp64Nano(Timestamp)) AS tsNs, TraceId AS traceId, SpanId AS spanId,
  ParentSpanId AS parentSpanId, ServiceName AS service, SpanName AS name, SpanKind AS kind, StatusCode AS statusCode,
  StatusMessage AS statusMessage, toString(Duration) AS durationNs,
  ${firstAttributeSql(layout, MODEL_KEYS)} AS model,
  ${numberAttributeSql(layout, TTFT_KEYS)} AS ttftMs,
  ${numberAttributeSql(layout, INPUT_TOKEN_KEYS)} AS inputTokens,
  ${numberAttributeSql(layout, OUTPUT_TOKEN_KEYS)} AS outputTokens,
  ${numberAttributeSql(layout, COST_KEYS)} AS costUsd,
  ${firstAttributeSql(layout, CALLER_KEYS)} AS caller,
  substring(${firstAttributeSql(layout, TEAMS_KEYS)}, 1, ${SHORT_TEXT_CAP}) AS teams,
  substring(${firstAttributeSql(layout, METADATA_KEYS)}, 1, ${SHORT_TEXT_CAP}) AS metadata,
  ${firstAttributeSql(layout, SPAN_TYPE_KEYS)} AS spanType,
  ${firstAttributeSql(layout, CALLED_MODEL_KEYS)} AS calledModel,
  ${numberAttributeSql(layout, CACHED_TOKEN_KEYS)} AS cachedTokens,
  ${firstAttributeSql(layout, CONVERSATION_KEYS)} AS conversationId,
  substring(${firstAttributeSql(layout, ERROR_MESSAGE_KEYS)}, 1, ${ERROR_MESSAGE_CAP}) AS errorMessage,
  ${firstAttributeSql(layout, MCP_SERVER_KEYS)} AS mcpServer,
  ${firstAttributeSql(layout, MCP_TOOL_KEYS)} AS mcpTool,
  ${firstAttributeSql(layout, MCP_METHOD_KEYS)} AS mcpMethod,
  ${mcpErrorSql(layout)} AS mcpError,
  ${firstAttributeSql(layout, GUARDRAIL_NAME_KEYS)} AS guardrail,
  ${firstAttributeSql(layout, GUARDRAIL_RESULT_KEYS)} AS guardrailResult`;
}

/** Error messages can be whole upstream answers; a row carries the start, the trace view the rest. */
export const ERROR_MESSAGE_CAP = 500;
export const SHORT_TEXT_CAP = 300;

/** 1 when an MCP call's tool failed: the execution-error flag, or an error code the server returned. */
export function mcpErrorSql(layout: TableLayout): string {
  return `(lower(${firstAttributeSql(layout, MCP_TOOL_ERROR_KEYS)}) = 'true' OR ${firstAttributeSql(layout, MCP_ERROR_CODE_KEYS)} NOT IN ('', '0'))`;
}

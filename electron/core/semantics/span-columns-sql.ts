/**
 * SQL for the gateway's facts as columns of a span row, built from the table layout and the
 * semantics keys. Keys are our constants (never user input), passed as literals the engine
 * can fold; user values never reach this file.
 */
import type { AttributeMap, TableLayout } from '../clickhouse/table-layout.js';
import { CALLER_KEYS, COST_KEYS, INPUT_TOKEN_KEYS, MODEL_KEYS, OUTPUT_TOKEN_KEYS, TTFT_KEYS } from './gateway-attributes.js';

/** A constant key as a ClickHouse string literal; the keys are ours, checked to hold no quote. */
function keyLiteral(key: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(key)) throw new Error(`attribute key ${key} is not a plain constant`);
  return `'${key}'`;
}

export function attributeSql(layout: TableLayout, map: AttributeMap, keySql: string): string {
  if (layout.attributeStorage === 'json') throw new Error('JSON attribute tables are not readable yet.');
  return `${map}[${keySql}]`;
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
  ${firstAttributeSql(layout, CALLER_KEYS)} AS caller`;
}

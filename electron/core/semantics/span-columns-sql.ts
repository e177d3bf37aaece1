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

/** An attribute's value as a String ('' when absent): `m[k]` on Map layouts, the JSON path on the exporter's JSON layout. */
export function attributeSql(layout: TableLayout, map: AttributeMap, keySql: string): string {
  if (layout.attributeStorage === 'json') return `toString(getSubcolumn(${map}, ${keySql}))`;
  return `${map}[${keySql}]`;
}

/** The key is present (an empty value counts). */
export function attributeExistsSql(layout: TableLayout, map: AttributeMap, keySql: string): string {
  return layout.attributeStorage === 'json' ? `isNotNull(getSubcolumn(${map}, ${keySql}))` : `mapContains(${map}, ${keySql})`;
}

/** The keys of an attribute map, as Array(String). */
export function attributeKeysSql(layout: TableLayout, map: AttributeMap): string {
  return layout.attributeStorage === 'json' ? `JSONAllPaths(${map})` : `mapKeys(${map})`;
}

/**
 * A whole attribute map for a SELECT list, values cut to `cap`: a Map on Map layouts, the JSON
 * text on the JSON layout (core/clickhouse/json-attributes.ts flattens it). Read it with attributeMapOf.
 */
export function attributeMapSql(layout: TableLayout, column: string, cap?: number): string {
  if (layout.attributeStorage === 'json') return `toJSONString(${column})`;
  return cap === undefined ? column : `mapApply((k, v) -> (k, substring(v, 1, ${cap})), ${column})`;
}

/** The same for an Array of attribute maps (Events.Attributes, Links.Attributes). */
export function attributeMapsSql(layout: TableLayout, column: string): string {
  return layout.attributeStorage === 'json' ? `arrayMap(x -> toJSONString(x), ${column})` : column;
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

/**
 * An attribute's value in a SELECT list. `m.values[indexOf(m.keys, k)]` reads the same value as
 * `m[k]` ('' when absent) at about half the cost per row (measured on chDB 26.7: 295 vs 525 ms for
 * five keys over 2 M spans), which matters when a summary reads a dozen keys of every span. WHERE
 * clauses keep `m[k]`: that is the form the mapKeys / mapValues skip indexes recognise.
 */
export function projectedAttributeSql(layout: TableLayout, map: AttributeMap, keySql: string): string {
  if (layout.attributeStorage === 'json') return attributeSql(layout, map, keySql);
  return `${map}.values[indexOf(${map}.keys, ${keySql})]`;
}

/** The first non-empty value among constant keys, as a String ('' when none), for a SELECT list. */
export function firstAttributeSql(layout: TableLayout, keys: readonly string[]): string {
  if (keys.length === 1) return projectedAttributeSql(layout, 'SpanAttributes', keyLiteral(keys[0]!));
  return `coalesce(${keys.map((k) => `nullIf(${projectedAttributeSql(layout, 'SpanAttributes', keyLiteral(k))}, '')`).join(', ')}, '')`;
}

export function numberAttributeSql(layout: TableLayout, keys: readonly string[]): string {
  return `toFloat64OrNull(${firstAttributeSql(layout, keys)})`;
}

/** Either StatusCode spelling (Error, STATUS_CODE_ERROR; Ok, STATUS_CODE_OK). */
export const ERROR_STATUS_SQL = "StatusCode IN ('Error', 'STATUS_CODE_ERROR')";
export const OK_STATUS_SQL = "StatusCode IN ('Ok', 'STATUS_CODE_OK')";

/** Each column of a span row (SpanRow) and the extra ones the request rollup reads, as SQL over the table. */
export function spanColumnMap(layout: TableLayout): Record<string, string> {
  return {
    ts: 'toString(Timestamp)',
    tsNs: 'toString(toUnixTimestamp64Nano(Timestamp))',
    traceId: 'TraceId',
    spanId: 'SpanId',
    parentSpanId: 'ParentSpanId',
    service: 'ServiceName',
    name: 'SpanName',
    kind: 'SpanKind',
    statusCode: 'StatusCode',
    statusMessage: 'StatusMessage',
    durationNs: 'toString(Duration)',
    model: firstAttributeSql(layout, MODEL_KEYS),
    ttftMs: numberAttributeSql(layout, TTFT_KEYS),
    inputTokens: numberAttributeSql(layout, INPUT_TOKEN_KEYS),
    outputTokens: numberAttributeSql(layout, OUTPUT_TOKEN_KEYS),
    costUsd: numberAttributeSql(layout, COST_KEYS),
    caller: firstAttributeSql(layout, CALLER_KEYS),
    teams: `substring(${firstAttributeSql(layout, TEAMS_KEYS)}, 1, ${SHORT_TEXT_CAP})`,
    metadata: `substring(${firstAttributeSql(layout, METADATA_KEYS)}, 1, ${SHORT_TEXT_CAP})`,
    spanType: firstAttributeSql(layout, SPAN_TYPE_KEYS),
    calledModel: firstAttributeSql(layout, CALLED_MODEL_KEYS),
    cachedTokens: numberAttributeSql(layout, CACHED_TOKEN_KEYS),
    conversationId: firstAttributeSql(layout, CONVERSATION_KEYS),
    errorMessage: `substring(${firstAttributeSql(layout, ERROR_MESSAGE_KEYS)}, 1, ${ERROR_MESSAGE_CAP})`,
    mcpServer: firstAttributeSql(layout, MCP_SERVER_KEYS),
    mcpTool: firstAttributeSql(layout, MCP_TOOL_KEYS),
    mcpMethod: firstAttributeSql(layout, MCP_METHOD_KEYS),
    mcpError: mcpErrorSql(layout),
    guardrail: firstAttributeSql(layout, GUARDRAIL_NAME_KEYS),
    guardrailResult: firstAttributeSql(layout, GUARDRAIL_RESULT_KEYS),
  };
}

/** The span-row columns SpanRow holds, in its order. */
const SPAN_ROW_FIELDS = ['ts', 'tsNs', 'traceId', 'spanId', 'parentSpanId', 'service', 'name', 'kind', 'statusCode', 'statusMessage', 'durationNs', 'model', 'ttftMs', 'inputTokens', 'outputTokens', 'costUsd', 'caller', 'teams', 'metadata', 'spanType', 'calledModel', 'cachedTokens', 'conversationId', 'errorMessage', 'mcpServer', 'mcpTool', 'mcpMethod', 'mcpError', 'guardrail', 'guardrailResult'] as const;

/** Some columns of the map, as a SELECT list. */
export function spanColumnsSql(layout: TableLayout, names: readonly string[]): string {
  const map = spanColumnMap(layout);
  return names
    .map((n) => {
      const sql = map[n];
      if (!sql) throw new Error(`no span column ${n}`);
      return `${sql} AS ${n}`;
    })
    .join(',\n  ');
}

/** The SELECT list behind SpanRow. */
export function spanRowColumnsSql(layout: TableLayout): string {
  return spanColumnsSql(layout, SPAN_ROW_FIELDS);
}

/** Error messages can be whole upstream answers; a row carries the start, the trace view the rest. */
export const ERROR_MESSAGE_CAP = 500;
export const SHORT_TEXT_CAP = 300;

/** 1 when an MCP call's tool failed: the execution-error flag, or an error code the server returned. */
export function mcpErrorSql(layout: TableLayout): string {
  return `(lower(${firstAttributeSql(layout, MCP_TOOL_ERROR_KEYS)}) = 'true' OR ${firstAttributeSql(layout, MCP_ERROR_CODE_KEYS)} NOT IN ('', '0'))`;
}

/**
 * SQL for each span fact as a column of a span row, built from the span-fact spec
 * (span-facts.ts) and the table layout. Keys are our constants (never user input), passed as
 * literals the engine can fold; user values never reach this file.
 */
import type { AttributeMap, TableLayout } from '../clickhouse/table-layout.js';
import { SPAN_FACT_KINDS, SPAN_FACT_NAMES, type SpanFactName } from '../../shared/request-facts.js';
import { DIALECT_MARKERS, MCP_TOOL_ERROR, SPAN_FACTS, type SpanFactSpec } from './span-facts.js';

/** A constant key as a ClickHouse string literal; the keys are ours, checked to hold no quote. */
export function keyLiteral(key: string): string {
  if (!/^[A-Za-z0-9_. -]+$/.test(key)) throw new Error(`attribute key ${key} is not a plain constant`);
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

/**
 * The first of some values that passes a test, else the last value: `multiIf`, not `coalesce`,
 * because multiIf evaluates each value only on the rows where the ones before it failed
 * (short_circuit_function_evaluation) while coalesce computes every argument on every row — and a
 * span that speaks one dialect has its value at the first or second key of a fact's four or five
 * (the summary's span columns over 1 M gateway spans: 963 against 1,013 ms of CPU, measured).
 */
function firstPassingSql(values: readonly string[], passes: (v: string) => string): string {
  if (values.length === 1) return values[0]!;
  return `multiIf(${values.slice(0, -1).map((v) => `${passes(v)}, ${v}`).join(', ')}, ${values[values.length - 1]!})`;
}

/** The first non-empty value among constant keys, as a String ('' when none), for a SELECT list. */
export function firstAttributeSql(layout: TableLayout, keys: readonly string[]): string {
  return firstPassingSql(keys.map((k) => projectedAttributeSql(layout, 'SpanAttributes', keyLiteral(k))), (v) => `${v} != ''`);
}

export function numberAttributeSql(layout: TableLayout, keys: readonly string[]): string {
  return `toFloat64OrNull(${firstAttributeSql(layout, keys)})`;
}

/** Any of the constant keys is present on the span. */
export function anyKeyPresentSql(layout: TableLayout, keys: readonly string[]): string {
  return `(${keys.map((k) => attributeExistsSql(layout, 'SpanAttributes', keyLiteral(k))).join(' OR ')})`;
}

/** Milliseconds from the span's start to its first event of this name, NULL without one. */
function eventSinceStartSql(event: string): string {
  const at = `indexOf(Events.Name, ${keyLiteral(event)})`;
  return `if(${at} > 0, (toUnixTimestamp64Nano(Events.Timestamp[${at}]) - toUnixTimestamp64Nano(Timestamp)) / 1e6, NULL)`;
}

/**
 * Looks the keys up only on spans that have one of them (most spans carry none of a fact's keys),
 * tested on the keys alone (hasAnyKeySql), with the value lookups short-circuited away
 * (`if` evaluates its branch only where needed). Measured on 10 M gateway spans: the summary's
 * dozen facts of four or five keys each cost twice as much without it.
 */
function whenAnyKey(layout: TableLayout, keys: readonly string[], sql: string, none: string): string {
  if (layout.attributeStorage === 'json' || keys.length < 2) return sql;
  return `if(${hasAnyKeySql(layout, keys)}, ${sql}, ${none})`;
}

/**
 * Any of the constant keys is present, reading a Map's keys only. One `has` per key, not one
 * hasAny, for a fact's few keys: on the LowCardinality keys `has` costs next to nothing, hasAny
 * (and mapContains) do not (measured on chDB over 1 M gateway spans: four keys by hasAny 70 ms of
 * CPU, by `has` ~0, by mapContains 220; the summary's span columns 1,856 ms with hasAny, 963 with `has`). Index-served
 * WHERE clauses keep anyKeyPresentSql, whose mapContains the key bloom filters recognise.
 */
function hasAnyKeySql(layout: TableLayout, keys: readonly string[]): string {
  return layout.attributeStorage === 'json' ? anyKeyPresentSql(layout, keys) : `(${keys.map((k) => `has(SpanAttributes.keys, ${keyLiteral(k)})`).join(' OR ')})`;
}

/**
 * The span reports any of these facts (one of their keys is present, or an event they are read
 * from), as a WHERE that reads the map's keys only — never its values.
 */
export function reportsAnyFactSql(layout: TableLayout, facts: readonly SpanFactName[]): string {
  const keys = [...new Set(facts.flatMap((f) => [...SPAN_FACTS[f].keys.map((k) => k.key), ...(SPAN_FACTS[f].whenPresent ? [SPAN_FACTS[f].whenPresent.key] : [])]))];
  const events = layout.hasEvents ? [...new Set(facts.flatMap((f) => (SPAN_FACTS[f].events ?? []).map((e) => e.event)))] : [];
  // Dozens of keys: there one hasAny pass over the span's keys is cheaper than a `has` per key (1 M gateway spans, 38 keys: 174 against 276 ms of CPU, measured).
  const present = layout.attributeStorage === 'json' ? anyKeyPresentSql(layout, keys) : `hasAny(SpanAttributes.keys, [${keys.map(keyLiteral).join(', ')}])`;
  const parts = [...(keys.length ? [present] : []), ...events.map((e) => `has(Events.Name, ${keyLiteral(e)})`)];
  return parts.length ? parts.join(' OR ') : '0';
}

/** A number fact: the first source present, converted to the fact's unit (seconds → ms), NULL when none. */
function numberFactSql(layout: TableLayout, spec: SpanFactSpec): string {
  const parts = spec.keys.map((s) => {
    const v = `toFloat64OrNull(${projectedAttributeSql(layout, 'SpanAttributes', keyLiteral(s.key))})`;
    return s.unit === 's' ? `${v} * 1000` : v;
  });
  const fromKeys = whenAnyKey(layout, spec.keys.map((k) => k.key), firstPassingSql(parts, (v) => `isNotNull(${v})`), 'CAST(NULL AS Nullable(Float64))');
  const events = layout.hasEvents ? (spec.events ?? []).map((e) => eventSinceStartSql(e.event)) : [];
  return events.length ? firstPassingSql([fromKeys, ...events], (v) => `isNotNull(${v})`) : fromKeys;
}

/** A span fact as SQL over the table, per the spec. */
export function spanFactSql(layout: TableLayout, fact: SpanFactName): string {
  const spec = SPAN_FACTS[fact];
  if (SPAN_FACT_KINDS[fact] === 'number') return numberFactSql(layout, spec);
  const text = whenAnyKey(layout, spec.keys.map((s) => s.key), firstAttributeSql(layout, spec.keys.map((s) => s.key)), "''");
  const whenPresent = spec.whenPresent ? `if(${text} != '', ${text}, if(${hasAnyKeySql(layout, [spec.whenPresent.key])}, ${keyLiteral(spec.whenPresent.value)}, ''))` : text;
  return spec.cap ? `substring(${whenPresent}, 1, ${spec.cap})` : whenPresent;
}

/**
 * A text fact equals a value (already a parameter), in the form the table's indexes serve: any of
 * its keys equals it, or — for a fact with a `whenPresent` rule and that value — its marker key is
 * present while none of its keys is.
 */
export function factEqualsSql(layout: TableLayout, fact: SpanFactName, valueSql: string, value: string): string {
  const spec = SPAN_FACTS[fact];
  const keys = spec.keys.map((s) => s.key);
  const any = anyKeyEqualsSql(layout, keys, valueSql);
  if (!spec.whenPresent || spec.whenPresent.value !== value) return any;
  return `(${any} OR (${anyKeyPresentSql(layout, [spec.whenPresent.key])} AND NOT ${anyKeyPresentSql(layout, keys)}))`;
}

/** Which dialect a span speaks (DIALECT_MARKERS, in order), '' for none: one look at the map's keys per dialect. */
export function dialectSql(layout: TableLayout): string {
  return `multiIf(${DIALECT_MARKERS.map((m) => `${hasAnyKeySql(layout, m.keys)}, '${m.dialect}'`).join(', ')}, '')`;
}

/** Either StatusCode spelling (Error, STATUS_CODE_ERROR; Ok, STATUS_CODE_OK). */
export const ERROR_STATUS_SQL = "StatusCode IN ('Error', 'STATUS_CODE_ERROR')";
export const OK_STATUS_SQL = "StatusCode IN ('Ok', 'STATUS_CODE_OK')";

/** Each column of a span row (SpanRow), as SQL over the table. */
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
    dialect: dialectSql(layout),
    mcpError: mcpErrorSql(layout),
    ...Object.fromEntries(SPAN_FACT_NAMES.map((f) => [f, spanFactSql(layout, f)])),
  };
}

/** The span-row columns SpanRow holds. */
const SPAN_ROW_FIELDS = ['ts', 'tsNs', 'traceId', 'spanId', 'parentSpanId', 'service', 'name', 'kind', 'statusCode', 'statusMessage', 'durationNs', 'dialect', 'mcpError', ...SPAN_FACT_NAMES];

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

/** 1 when an MCP call's tool failed: the gateway's execution-error flag or an error code, or `error.type = tool_error`. */
export function mcpErrorSql(layout: TableLayout): string {
  const value = (key: string) => projectedAttributeSql(layout, 'SpanAttributes', keyLiteral(key));
  return `(lower(${value(MCP_TOOL_ERROR.flag)}) = 'true' OR ${value(MCP_TOOL_ERROR.errorCode)} NOT IN ('', '0') OR ${value(MCP_TOOL_ERROR.errorType)} = ${keyLiteral(MCP_TOOL_ERROR.errorTypeValue)})`;
}

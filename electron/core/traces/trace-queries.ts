/** Explorer queries: open one trace in full, one span's payload (the span search is span-search.ts). All values are parameters. */
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import { quoteName, type TracesLocation } from '../clickhouse/server.js';
import { withTracesTable, type TracesTable } from '../clickhouse/traces-table.js';
import { BadInputError, DomainError } from '../errors.js';
import { attributeMapSql, attributeMapsSql, spanRowColumnsSql } from '../semantics/span-columns-sql.js';
import { flattenJsonAttributes } from '../clickhouse/json-attributes.js';
import { inputText, llmFields, outputText } from '../semantics/span-fields.js';
import { SPAN_FACT_KINDS, SPAN_FACT_NAMES } from '../../shared/request-facts.js';
import { SearchInput, SpanPayload, StrMap, TRACE_SPAN_SPARSE, type TraceSpan, type TraceSpanFacts } from '../../shared/trace-queries-schema.js';
import { SpanRow } from '../../shared/span-row.js';
import { SqlParams } from '../search/sql-params.js';

export { SearchInput };

/** HyperDX's own limit for one trace's waterfall. */
export const TRACE_SPAN_LIMIT = 50_000;
/** A trace id alone could be anywhere in the table's 30-day TTL; a window lets partitions be pruned. */
export const TRACE_LOOKUP_WINDOW_MS = 30 * 24 * 3600_000;

export function timeWhere(params: SqlParams, fromMs: number, toMs: number): string {
  return `Timestamp >= fromUnixTimestamp64Milli(${params.add('UInt64', Math.max(0, fromMs))}) AND Timestamp <= fromUnixTimestamp64Milli(${params.add('UInt64', Math.max(0, toMs))})`;
}

export function fromTable(t: TracesTable): string {
  return `${quoteName(t.location.database)}.${quoteName(t.location.table)}`;
}

/** An attribute map as the server sends it: a Map (JSON object), or the JSON layout's toJSONString text. */
const AttributesAnswer = z.union([StrMap, z.string().transform((text) => flattenJsonAttributes(text, TRACE_ATTRIBUTE_CAP))]);

const RawTraceExtras = z.object({
  traceState: z.string(),
  scope: z.string(),
  attributes: AttributesAnswer,
  resource: AttributesAnswer,
  eventTimes: z.array(z.string()),
  eventNames: z.array(z.string()),
  eventAttrs: z.array(AttributesAnswer),
  linkTraceIds: z.array(z.string()),
  linkSpanIds: z.array(z.string()),
  linkStates: z.array(z.string()),
  linkAttrs: z.array(AttributesAnswer),
});

function eventsAndLinksSql(t: TracesTable): string {
  const events = t.layout.hasEvents
    ? `arrayMap(x -> toString(x), \`Events.Timestamp\`) AS eventTimes, \`Events.Name\` AS eventNames, ${attributeMapsSql(t.layout, '`Events.Attributes`')} AS eventAttrs`
    : 'CAST([] AS Array(String)) AS eventTimes, CAST([] AS Array(String)) AS eventNames, CAST([] AS Array(Map(String, String))) AS eventAttrs';
  const links = t.layout.hasLinks
    ? `\`Links.TraceId\` AS linkTraceIds, \`Links.SpanId\` AS linkSpanIds, \`Links.TraceState\` AS linkStates, ${attributeMapsSql(t.layout, '`Links.Attributes`')} AS linkAttrs`
    : 'CAST([] AS Array(String)) AS linkTraceIds, CAST([] AS Array(String)) AS linkSpanIds, CAST([] AS Array(String)) AS linkStates, CAST([] AS Array(Map(String, String))) AS linkAttrs';
  return `${events}, ${links}`;
}

/**
 * Where to look for a trace, narrowest first: around the time of the row it was opened from (or
 * now), so partitions are pruned and the TraceId bloom filter reads few granules; wider only
 * when nothing was found there.
 */
export function traceWindows(aroundMs: number | undefined, now = Date.now()): { fromMs: number; toMs: number }[] {
  const around = aroundMs ?? now;
  return [
    { fromMs: around - 3600_000, toMs: around + 3600_000 },
    { fromMs: around - 24 * 3600_000, toMs: around + 24 * 3600_000 },
    { fromMs: now - TRACE_LOOKUP_WINDOW_MS, toMs: now + 3600_000 },
  ];
}

/** The first non-empty answer of `read` over the trace windows, narrowest first (or the empty one). */
async function inTraceWindows<T>(aroundMs: number | undefined, read: (w: { fromMs: number; toMs: number }) => Promise<T[]>): Promise<T[]> {
  for (const w of traceWindows(aroundMs)) {
    const found = await read(w);
    if (found.length) return found;
  }
  return [];
}

export async function getTrace(location: TracesLocation, traceId: string, aroundMs?: number): Promise<TraceSpan[]> {
  if (!/^[0-9a-f]{32}$/.test(traceId)) throw new BadInputError('A trace id is 32 hex characters.');
  return withTracesTable(location, (t) => inTraceWindows(aroundMs, (w) => traceIn(location, t, traceId, w)));
}

/** A span row's columns, as spanRowColumnsSql names them (statusCode where SpanRow has status). */
const ROW_COLUMNS = [...Object.keys(SpanRow.shape).filter((k) => k !== 'status'), 'statusCode'];
const EXTRA_COLUMNS = Object.keys(RawTraceExtras.shape);
const TRACE_COLUMNS = [...ROW_COLUMNS, ...EXTRA_COLUMNS];
const SPARSE = new Set<string>([...TRACE_SPAN_SPARSE, 'traceState', 'scope']);
const SPARSE_COLUMNS = [...SPARSE];

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const stringColumn = z.custom<string[]>(strings, 'expected a column of strings');
const numberColumn = z.custom<(number | null)[]>((v) => Array.isArray(v) && v.every((x) => x === null || typeof x === 'number'), 'expected a column of numbers or nulls');
const listsColumn = z.custom<string[][]>((v) => Array.isArray(v) && v.every(strings), 'expected a column of string arrays');
const NUMBER_FACTS = new Set<string>(SPAN_FACT_NAMES.filter((k) => SPAN_FACT_KINDS[k] === 'number'));

/** Each column checked as a whole: plain types with one predicate over the array (a zod pass per value cost ~0.5 s at 50,000 spans), attribute maps with their schema. */
const columnOf = (k: string): z.ZodType => {
  if (k === 'mcpError') return z.array(z.union([z.number(), z.boolean()]).transform(Boolean));
  if (NUMBER_FACTS.has(k)) return numberColumn;
  if (k === 'attributes' || k === 'resource') return z.array(AttributesAnswer);
  if (k === 'eventAttrs' || k === 'linkAttrs') return z.array(z.array(AttributesAnswer));
  if (k in RawTraceExtras.shape && k !== 'traceState' && k !== 'scope') return listsColumn;
  return stringColumn;
};
/** The answer's one row: an array per column. */
const RawTraceColumns = z.object(Object.fromEntries(TRACE_COLUMNS.map((k) => [k, columnOf(k)])));
type StrMapValue = Record<string, string>;
/** The checked columns (RawTraceColumns vouches for each type), the sparse ones by name. */
interface Columns {
  ts: string[];
  tsNs: string[];
  traceId: string[];
  spanId: string[];
  parentSpanId: string[];
  service: string[];
  name: string[];
  kind: string[];
  durationNs: string[];
  statusCode: string[];
  attributes: StrMapValue[];
  resource: StrMapValue[];
  eventTimes: string[][];
  eventNames: string[][];
  eventAttrs: StrMapValue[][];
  linkTraceIds: string[][];
  linkSpanIds: string[][];
  linkStates: string[][];
  linkAttrs: StrMapValue[][];
  sparse: Record<string, unknown[]>;
}

/** Both StatusCode spellings (Error and STATUS_CODE_ERROR), as toSpanRow reads them. */
const statusOf = (code: string): TraceSpan['status'] => {
  const c = code.toLowerCase();
  return c.includes('error') ? 'error' : c.includes('ok') ? 'ok' : 'unset';
};

/**
 * The spans from the columns: one object literal per span (one shape, which V8 builds fast),
 * then each sparse column scanned for its few non-empty values, which go into the span's `facts`.
 */
function spansOf(c: Columns, n: number): TraceSpan[] {
  const out = new Array<TraceSpan>(n);
  for (let i = 0; i < n; i++) {
    const attributes = c.attributes[i]!;
    const eventTimes = c.eventTimes[i]!;
    const linkTraceIds = c.linkTraceIds[i]!;
    out[i] = {
      ts: c.ts[i]!,
      tsNs: c.tsNs[i]!,
      traceId: c.traceId[i]!,
      spanId: c.spanId[i]!,
      parentSpanId: c.parentSpanId[i]!,
      service: c.service[i]!,
      name: c.name[i]!,
      kind: c.kind[i]!,
      status: statusOf(c.statusCode[i]!),
      durationNs: c.durationNs[i]!,
      attributes,
      resource: c.resource[i]!,
      llm: llmFields(attributes),
      events: eventTimes.length ? eventTimes.map((ts, j) => ({ ts, name: c.eventNames[i]![j] ?? '', attributes: c.eventAttrs[i]![j] ?? {} })) : [],
      links: linkTraceIds.length ? linkTraceIds.map((id, j) => ({ traceId: id, spanId: c.linkSpanIds[i]![j] ?? '', traceState: c.linkStates[i]![j] ?? '', attributes: c.linkAttrs[i]![j] ?? {} })) : [],
    };
  }
  for (const k of SPARSE_COLUMNS) {
    const column = c.sparse[k]!;
    for (let i = 0; i < n; i++) {
      const v = column[i];
      if (v !== '' && v !== null && v !== false) (out[i]!.facts ??= {} as TraceSpanFacts)[k as keyof TraceSpanFacts] = v as never;
    }
  }
  return out;
}

/**
 * The trace's spans, the first TRACE_SPAN_LIMIT by start. ClickHouse answers with one row of
 * column arrays (groupArray of a tuple, so NULLs keep their place), not a JSON object per span:
 * at 50,000 spans the per-row keys were most of 46 MB and of the time. When the cap cut the
 * trace, the first span says how many spans it holds.
 */
async function traceIn(location: TracesLocation, t: TracesTable, traceId: string, w: { fromMs: number; toMs: number }): Promise<TraceSpan[]> {
  const params = new SqlParams();
  const where = `TraceId = ${params.add('String', traceId)} AND ${timeWhere(params, w.fromMs, w.toMs)}`;
  const spans = `SELECT ${spanRowColumnsSql(t.layout)}, TraceState AS traceState, ScopeName AS scope, ${attributeMapSql(t.layout, 'SpanAttributes', TRACE_ATTRIBUTE_CAP)} AS attributes, ${attributeMapSql(t.layout, 'ResourceAttributes')} AS resource,
              ${eventsAndLinksSql(t)}
            FROM ${fromTable(t)} WHERE ${where} ORDER BY Timestamp LIMIT ${TRACE_SPAN_LIMIT + 1}`;
  // tupleElement of an array of tuples is the array of that element: no lambda per column to analyse.
  const columns = TRACE_COLUMNS.map((k, i) => `tupleElement(rows, ${i + 1}) AS ${k}`).join(', ');
  const answer = await queryRows(location, {
    kind: 'search',
    database: location.database,
    sql: `SELECT ${columns} FROM (SELECT groupArray(tuple(${TRACE_COLUMNS.join(', ')})) AS rows FROM (${spans}))`,
    params: params.values,
    row: RawTraceColumns,
  });
  const row = answer.rows[0] as Record<string, unknown[]> | undefined;
  const found = row?.spanId?.length ?? 0;
  if (!row || found === 0) return [];
  // Every column's type was checked by RawTraceColumns; this names them.
  const c = { ...(row as unknown as Omit<Columns, 'sparse'>), sparse: row };
  const out = spansOf(c, Math.min(found, TRACE_SPAN_LIMIT));
  if (found > TRACE_SPAN_LIMIT) out[0] = { ...out[0]!, traceSpans: await traceSpanCount(location, t, where, params) };
  return out;
}

/** How many spans the trace holds in the window (asked only when the cap cut it). */
async function traceSpanCount(location: TracesLocation, t: TracesTable, where: string, params: SqlParams): Promise<number> {
  const answer = await queryRows(location, {
    kind: 'search',
    database: location.database,
    sql: `SELECT count() AS n FROM ${fromTable(t)} WHERE ${where}`,
    params: params.values,
    row: z.object({ n: z.union([z.number(), z.string()]).transform(Number) }),
  });
  return answer.rows[0]?.n ?? 0;
}

/** The most of one input or output the LLM panel loads; a bigger payload says how much was left out. */
export const PAYLOAD_CAP_BYTES = 1_000_000;
/** Attribute values in a whole trace are cut to this; the LLM panel fetches a span's full input and output. */
export const TRACE_ATTRIBUTE_CAP = 4_096;

/** The span's attributes, each value cut to the cap, and each value's full length (Map layouts; the JSON layout gives the cut text's). */
const PayloadRaw = z.object({
  attributes: z.union([StrMap, z.string().transform((text) => flattenJsonAttributes(text, PAYLOAD_CAP_BYTES))]),
  sizes: z.record(z.string(), z.union([z.number(), z.string()]).transform(Number)),
});

/** How long the text was before the cap: a single attribute's full length, or the assembled text's. */
function fullBytes(text: string, attributes: Record<string, string>, sizes: Record<string, number>): number {
  const key = Object.keys(attributes).find((k) => attributes[k] === text);
  return Math.max(key ? (sizes[key] ?? 0) : 0, new TextEncoder().encode(text).length);
}

export async function getSpanPayload(location: TracesLocation, traceId: string, spanId: string, aroundMs?: number): Promise<z.infer<typeof SpanPayload>> {
  return withTracesTable(location, async (t) => {
    const sizes = t.layout.attributeStorage === 'json' ? 'map()' : 'mapApply((k, v) -> (k, length(v)), SpanAttributes)';
    const [row] = await inTraceWindows(aroundMs, async (w) => {
      const params = new SqlParams();
      const where = `TraceId = ${params.add('String', traceId)} AND SpanId = ${params.add('String', spanId)} AND ${timeWhere(params, w.fromMs, w.toMs)}`;
      const answer = await queryRows(location, {
        kind: 'search',
        database: location.database,
        sql: `SELECT ${attributeMapSql(t.layout, 'SpanAttributes', PAYLOAD_CAP_BYTES)} AS attributes, ${sizes} AS sizes FROM ${fromTable(t)} WHERE ${where} LIMIT 1`,
        params: params.values,
        row: PayloadRaw,
      });
      return answer.rows;
    });
    if (!row) throw new DomainError('not_found', `Span ${spanId} of trace ${traceId} was not found near that time.`);
    const input = inputText(row.attributes).slice(0, PAYLOAD_CAP_BYTES);
    const output = outputText(row.attributes).slice(0, PAYLOAD_CAP_BYTES);
    return { input, output, inputBytes: fullBytes(input, row.attributes, row.sizes), outputBytes: fullBytes(output, row.attributes, row.sizes), capBytes: PAYLOAD_CAP_BYTES };
  });
}

/** Explorer queries: search a time range, open one trace in full, summarise per model. All values are parameters. */
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import { quoteName, type TracesLocation } from '../clickhouse/server.js';
import { withTracesTable, type TracesTable } from '../clickhouse/traces-table.js';
import { BadInputError, DomainError } from '../errors.js';
import { attributeMapSql, attributeMapsSql, spanRowColumnsSql } from '../semantics/span-columns-sql.js';
import { flattenJsonAttributes } from '../clickhouse/json-attributes.js';
import { inputText, llmFields, outputText } from '../semantics/span-fields.js';
import { toSpanRow } from '../../shared/span-row.js';
import { SearchInput, SearchResult, SpanPayload, StrMap, type TraceSpan } from '../../shared/trace-queries-schema.js';
import { prepareSearch, settingsFor, whereOf } from '../search/prepare-search.js';
import { SqlParams } from '../search/sql-params.js';

export { SearchInput };

export const TRACE_SPAN_LIMIT = 20_000;
/** A trace id alone could be anywhere in the table's 30-day TTL; a window lets partitions be pruned. */
export const TRACE_LOOKUP_WINDOW_MS = 30 * 24 * 3600_000;

export function timeWhere(params: SqlParams, fromMs: number, toMs: number): string {
  return `Timestamp >= fromUnixTimestamp64Milli(${params.add('UInt64', Math.max(0, fromMs))}) AND Timestamp <= fromUnixTimestamp64Milli(${params.add('UInt64', Math.max(0, toMs))})`;
}

export function fromTable(t: TracesTable): string {
  return `${quoteName(t.location.database)}.${quoteName(t.location.table)}`;
}

export async function searchSpans(location: TracesLocation, input: z.input<typeof SearchInput>): Promise<z.infer<typeof SearchResult>> {
  const q = SearchInput.parse(input);
  return withTracesTable(location, async (t) => {
    const params = new SqlParams();
    const where = [timeWhere(params, q.fromMs, q.toMs)];
    if (q.service) where.push(`ServiceName = ${params.add('String', q.service)}`);
    const prepared = await prepareSearch(q.query, t, q, q.language);
    const search = whereOf(prepared, params);
    if (search) where.push(search);
    const answer = await queryRows(location, {
      kind: 'search',
      database: location.database,
      sql: `SELECT ${spanRowColumnsSql(t.layout)} FROM ${fromTable(t)} WHERE ${where.join(' AND ')} ORDER BY Timestamp DESC LIMIT ${q.limit + 1}`,
      params: params.values,
      settings: settingsFor(prepared),
      row: z.unknown(),
    });
    const spans = answer.rows.map(toSpanRow);
    return { spans: spans.slice(0, q.limit), truncated: spans.length > q.limit, searchedFromMs: null, rowsRead: answer.rowsRead, elapsedMs: answer.elapsedMs };
  });
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

async function traceIn(location: TracesLocation, t: TracesTable, traceId: string, w: { fromMs: number; toMs: number }): Promise<TraceSpan[]> {
  const params = new SqlParams();
  const where = `TraceId = ${params.add('String', traceId)} AND ${timeWhere(params, w.fromMs, w.toMs)}`;
  const answer = await queryRows(location, {
    kind: 'search',
    database: location.database,
    sql: `SELECT ${spanRowColumnsSql(t.layout)}, TraceState AS traceState, ScopeName AS scope, ${attributeMapSql(t.layout, 'SpanAttributes', TRACE_ATTRIBUTE_CAP)} AS attributes, ${attributeMapSql(t.layout, 'ResourceAttributes')} AS resource,
              ${eventsAndLinksSql(t)}
            FROM ${fromTable(t)} WHERE ${where} ORDER BY Timestamp LIMIT ${TRACE_SPAN_LIMIT}`,
    params: params.values,
    row: z.unknown(),
  });
  return answer.rows.map((raw) => {
    const base = toSpanRow(raw);
    const x = RawTraceExtras.parse(raw);
    return {
      ...base,
      traceState: x.traceState,
      scope: x.scope,
      attributes: x.attributes,
      resource: x.resource,
      llm: llmFields(x.attributes),
      events: x.eventTimes.map((ts, i) => ({ ts, name: x.eventNames[i] ?? '', attributes: x.eventAttrs[i] ?? {} })),
      links: x.linkTraceIds.map((id, i) => ({ traceId: id, spanId: x.linkSpanIds[i] ?? '', traceState: x.linkStates[i] ?? '', attributes: x.linkAttrs[i] ?? {} })),
    };
  });
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

/** Explorer queries: where to look for a trace, one span's payload (a whole trace is trace-load.ts, the span search span-search.ts). All values are parameters. */
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import { quoteName, type TracesLocation } from '../clickhouse/server.js';
import { withTracesTable, type TracesTable } from '../clickhouse/traces-table.js';
import { DomainError } from '../errors.js';
import { attributeMapSql } from '../semantics/span-columns-sql.js';
import { flattenJsonAttributes } from '../clickhouse/json-attributes.js';
import { inputText, outputText } from '../semantics/span-fields.js';
import { SearchInput, SpanPayload, StrMap } from '../../shared/trace-queries-schema.js';
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
export async function inTraceWindows<T>(aroundMs: number | undefined, read: (w: { fromMs: number; toMs: number }) => Promise<T[]>): Promise<T[]> {
  for (const w of traceWindows(aroundMs)) {
    const found = await read(w);
    if (found.length) return found;
  }
  return [];
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

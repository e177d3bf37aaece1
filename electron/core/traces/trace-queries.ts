/** Explorer queries: search a time range, open one trace in full, summarise per model. All values are parameters. */
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import { quoteName, type TracesLocation } from '../clickhouse/server.js';
import { withTracesTable, type TracesTable } from '../clickhouse/traces-table.js';
import { BadInputError } from '../errors.js';
import { MODEL_KEYS, INPUT_TOKEN_KEYS, OUTPUT_TOKEN_KEYS, COST_KEYS } from '../semantics/gateway-attributes.js';
import { ERROR_STATUS_SQL, firstAttributeSql, spanRowColumnsSql } from '../semantics/span-columns-sql.js';
import { llmFields } from '../semantics/span-fields.js';
import { toSpanRow } from '../../shared/span-row.js';
import { ModelSummaryRow, SearchInput, SearchResult, StrMap, type TraceSpan } from '../../shared/trace-queries-schema.js';
import { parseSearch } from './search-query.js';
import { compileSearch, SqlParams } from './search-sql.js';

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
    const tree = parseSearch(q.query);
    if (tree) where.push(compileSearch(tree, params, t.layout));
    const answer = await queryRows(location, {
      kind: 'search',
      database: location.database,
      sql: `SELECT ${spanRowColumnsSql(t.layout)} FROM ${fromTable(t)} WHERE ${where.join(' AND ')} ORDER BY Timestamp DESC LIMIT ${q.limit + 1}`,
      params: params.values,
      row: z.unknown(),
    });
    const spans = answer.rows.map(toSpanRow);
    return { spans: spans.slice(0, q.limit), truncated: spans.length > q.limit, rowsRead: answer.rowsRead, elapsedMs: answer.elapsedMs };
  });
}

const RawTraceExtras = z.object({
  traceState: z.string(),
  scope: z.string(),
  attributes: StrMap,
  resource: StrMap,
  eventTimes: z.array(z.string()),
  eventNames: z.array(z.string()),
  eventAttrs: z.array(StrMap),
  linkTraceIds: z.array(z.string()),
  linkSpanIds: z.array(z.string()),
  linkStates: z.array(z.string()),
  linkAttrs: z.array(StrMap),
});

function eventsAndLinksSql(t: TracesTable): string {
  const events = t.layout.hasEvents
    ? 'arrayMap(x -> toString(x), `Events.Timestamp`) AS eventTimes, `Events.Name` AS eventNames, `Events.Attributes` AS eventAttrs'
    : 'CAST([] AS Array(String)) AS eventTimes, CAST([] AS Array(String)) AS eventNames, CAST([] AS Array(Map(String, String))) AS eventAttrs';
  const links = t.layout.hasLinks
    ? '`Links.TraceId` AS linkTraceIds, `Links.SpanId` AS linkSpanIds, `Links.TraceState` AS linkStates, `Links.Attributes` AS linkAttrs'
    : 'CAST([] AS Array(String)) AS linkTraceIds, CAST([] AS Array(String)) AS linkSpanIds, CAST([] AS Array(String)) AS linkStates, CAST([] AS Array(Map(String, String))) AS linkAttrs';
  return `${events}, ${links}`;
}

export async function getTrace(location: TracesLocation, traceId: string, aroundMs?: number): Promise<TraceSpan[]> {
  if (!/^[0-9a-f]{32}$/.test(traceId)) throw new BadInputError('A trace id is 32 hex characters.');
  return withTracesTable(location, async (t) => {
    const params = new SqlParams();
    const around = aroundMs ?? Date.now();
    const where = `TraceId = ${params.add('String', traceId)} AND ${timeWhere(params, around - (aroundMs ? 24 * 3600_000 : TRACE_LOOKUP_WINDOW_MS), around + 24 * 3600_000)}`;
    const answer = await queryRows(location, {
      kind: 'search',
      database: location.database,
      sql: `SELECT ${spanRowColumnsSql(t.layout)}, TraceState AS traceState, ScopeName AS scope, SpanAttributes AS attributes, ResourceAttributes AS resource,
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
  });
}

const SummaryRaw = z.object({ model: z.string() }).catchall(z.union([z.number(), z.string()]));

export async function modelSummary(location: TracesLocation, fromMs: number, toMs: number, service: string | null): Promise<z.infer<typeof ModelSummaryRow>[]> {
  return withTracesTable(location, async (t) => {
    const params = new SqlParams();
    const base = [timeWhere(params, fromMs, toMs)];
    if (service) base.push(`ServiceName = ${params.add('String', service)}`);
    const where = [...base, "ParentSpanId = ''"];
    // A request failed when any span of its trace failed: the gateway may mark only the upstream Network Call.
    const failedTraces = `SELECT TraceId FROM ${fromTable(t)} WHERE ${[...base, ERROR_STATUS_SQL].join(' AND ')}`;
    const sum = (keys: readonly string[]) => `sum(toFloat64OrZero(${firstAttributeSql(t.layout, keys)}))`;
    const answer = await queryRows(location, {
      kind: 'search',
      database: location.database,
      sql: `SELECT ${firstAttributeSql(t.layout, MODEL_KEYS)} AS model, count() AS requests,
                countIf(${ERROR_STATUS_SQL} OR TraceId IN (${failedTraces})) / count() AS errorRate,
                quantile(0.5)(Duration) / 1e6 AS p50Ms, quantile(0.95)(Duration) / 1e6 AS p95Ms,
                ${sum(INPUT_TOKEN_KEYS)} AS inputTokens, ${sum(OUTPUT_TOKEN_KEYS)} AS outputTokens, ${sum(COST_KEYS)} AS costUsd
              FROM ${fromTable(t)} WHERE ${where.join(' AND ')} GROUP BY model HAVING model != '' ORDER BY requests DESC LIMIT 100`,
      params: params.values,
      row: SummaryRaw,
    });
    return z.array(ModelSummaryRow).parse(answer.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'model' ? v : Number(v)]))));
  });
}

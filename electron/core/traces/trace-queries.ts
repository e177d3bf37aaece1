/** Explorer queries: search a time range, open one trace in full, summarise per model. All values are parameters. */
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import type { TailTarget } from './span-tail.js';
import { SPAN_ROW_COLUMNS, toSpanRow } from './span-row.js';
import { ModelSummaryRow, SearchInput, SearchResult, StrMap, type TraceSpan } from './trace-queries-schema.js';

export { SearchInput };
import { parseSearch } from './search-query.js';
import { compileSearch, MODEL_KEYS, SqlParams } from './search-sql.js';

export const TRACE_SPAN_LIMIT = 20_000;
/** A trace id alone could be anywhere in the table's 30-day TTL; a window lets partitions be pruned. */
export const TRACE_LOOKUP_WINDOW_MS = 30 * 24 * 3600_000;

function client(t: TailTarget): ClickHouseClient {
  return createClient({ url: t.url, username: t.user, password: t.password, database: t.database, request_timeout: 30_000, log: { level: ClickHouseLogLevel.OFF } });
}

function timeWhere(params: SqlParams, fromMs: number, toMs: number): string {
  return `Timestamp >= fromUnixTimestamp64Milli(${params.add('UInt64', Math.max(0, fromMs))}) AND Timestamp <= fromUnixTimestamp64Milli(${params.add('UInt64', Math.max(0, toMs))})`;
}

const JsonResult = z.object({ data: z.array(z.unknown()), statistics: z.object({ rows_read: z.union([z.number(), z.string()]), elapsed: z.number() }).optional() });

export async function searchSpans(t: TailTarget, input: z.input<typeof SearchInput>): Promise<z.infer<typeof SearchResult>> {
  const q = SearchInput.parse(input);
  const params = new SqlParams();
  const where = [timeWhere(params, q.fromMs, q.toMs)];
  if (q.service) where.push(`ServiceName = ${params.add('String', q.service)}`);
  const tree = parseSearch(q.query);
  if (tree) where.push(compileSearch(tree, params));
  const c = client(t);
  try {
    const rs = await c.query({
      query: `SELECT ${SPAN_ROW_COLUMNS} FROM otel_traces WHERE ${where.join(' AND ')} ORDER BY Timestamp DESC LIMIT ${q.limit + 1}`,
      query_params: params.values,
      format: 'JSON',
    });
    const body = JsonResult.parse(await rs.json());
    const spans = body.data.map(toSpanRow);
    return { spans: spans.slice(0, q.limit), truncated: spans.length > q.limit, rowsRead: Number(body.statistics?.rows_read ?? 0), elapsedMs: Math.round((body.statistics?.elapsed ?? 0) * 1000) };
  } finally {
    await c.close();
  }
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

export async function getTrace(t: TailTarget, traceId: string, aroundMs?: number): Promise<TraceSpan[]> {
  if (!/^[0-9a-f]{32}$/.test(traceId)) throw new Error('A trace id is 32 hex characters.');
  const params = new SqlParams();
  const around = aroundMs ?? Date.now();
  const where = `TraceId = ${params.add('String', traceId)} AND ${timeWhere(params, around - (aroundMs ? 24 * 3600_000 : TRACE_LOOKUP_WINDOW_MS), around + 24 * 3600_000)}`;
  const c = client(t);
  try {
    const rs = await c.query({
      query: `SELECT ${SPAN_ROW_COLUMNS}, TraceState AS traceState, ScopeName AS scope, SpanAttributes AS attributes, ResourceAttributes AS resource,
                arrayMap(x -> toString(x), \`Events.Timestamp\`) AS eventTimes, \`Events.Name\` AS eventNames, \`Events.Attributes\` AS eventAttrs,
                \`Links.TraceId\` AS linkTraceIds, \`Links.SpanId\` AS linkSpanIds, \`Links.TraceState\` AS linkStates, \`Links.Attributes\` AS linkAttrs
              FROM otel_traces WHERE ${where} ORDER BY Timestamp LIMIT ${TRACE_SPAN_LIMIT}`,
      query_params: params.values,
      format: 'JSONEachRow',
    });
    return ((await rs.json()) as unknown[]).map((raw) => {
      const base = toSpanRow(raw);
      const x = RawTraceExtras.parse(raw);
      return {
        ...base,
        traceState: x.traceState,
        scope: x.scope,
        attributes: x.attributes,
        resource: x.resource,
        events: x.eventTimes.map((ts, i) => ({ ts, name: x.eventNames[i] ?? '', attributes: x.eventAttrs[i] ?? {} })),
        links: x.linkTraceIds.map((id, i) => ({ traceId: id, spanId: x.linkSpanIds[i] ?? '', traceState: x.linkStates[i] ?? '', attributes: x.linkAttrs[i] ?? {} })),
      };
    });
  } finally {
    await c.close();
  }
}

const ERROR_STATUS = "StatusCode IN ('Error', 'STATUS_CODE_ERROR')";

export async function modelSummary(t: TailTarget, fromMs: number, toMs: number, service: string | null): Promise<z.infer<typeof ModelSummaryRow>[]> {
  const params = new SqlParams();
  const base = [timeWhere(params, fromMs, toMs)];
  if (service) base.push(`ServiceName = ${params.add('String', service)}`);
  const where = [...base, "ParentSpanId = ''"];
  // A request failed when any span of its trace failed: the gateway may mark only the upstream Network Call.
  const failedTraces = `SELECT TraceId FROM otel_traces WHERE ${[...base, ERROR_STATUS].join(' AND ')}`;
  const model = `coalesce(${MODEL_KEYS.map((k) => `nullIf(SpanAttributes['${k}'], '')`).join(', ')}, '')`;
  const c = client(t);
  try {
    const rs = await c.query({
      query: `SELECT ${model} AS model, count() AS requests,
                countIf(${ERROR_STATUS} OR TraceId IN (${failedTraces})) / count() AS errorRate,
                quantile(0.5)(Duration) / 1e6 AS p50Ms, quantile(0.95)(Duration) / 1e6 AS p95Ms,
                sum(toFloat64OrZero(coalesce(nullIf(SpanAttributes['tfy.model.metric.input_tokens'], ''), SpanAttributes['gen_ai.usage.input_tokens']))) AS inputTokens,
                sum(toFloat64OrZero(coalesce(nullIf(SpanAttributes['tfy.model.metric.output_tokens'], ''), SpanAttributes['gen_ai.usage.output_tokens']))) AS outputTokens,
                sum(toFloat64OrZero(SpanAttributes['tfy.model.metric.cost_in_usd'])) AS costUsd
              FROM otel_traces WHERE ${where.join(' AND ')} GROUP BY model HAVING model != '' ORDER BY requests DESC LIMIT 100`,
      query_params: params.values,
      format: 'JSONEachRow',
    });
    return z.array(ModelSummaryRow).parse(((await rs.json()) as Record<string, unknown>[]).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'model' ? v : Number(v)]))));
  } finally {
    await c.close();
  }
}

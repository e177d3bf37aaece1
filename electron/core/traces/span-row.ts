/** A span as the tail and the explorer list show it: the LLM columns read from tfy.* first, then gen_ai.*. */
import { z } from 'zod';

export const SpanRow = z.object({
  ts: z.string(),
  tsNs: z.string(),
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string(),
  service: z.string(),
  name: z.string(),
  kind: z.string(),
  status: z.enum(['ok', 'error', 'unset']),
  statusMessage: z.string(),
  durationNs: z.string(),
  model: z.string(),
  ttftMs: z.number().nullable(),
  inputTokens: z.number().nullable(),
  outputTokens: z.number().nullable(),
  costUsd: z.number().nullable(),
  caller: z.string(),
});
export type SpanRow = z.infer<typeof SpanRow>;

/** The SELECT list behind SpanRow; attribute keys here are constants of ours, not user input. */
export const SPAN_ROW_COLUMNS = `
  toString(Timestamp) AS ts, toString(toUnixTimestamp64Nano(Timestamp)) AS tsNs, TraceId AS traceId, SpanId AS spanId,
  ParentSpanId AS parentSpanId, ServiceName AS service, SpanName AS name, SpanKind AS kind, StatusCode AS statusCode,
  StatusMessage AS statusMessage, toString(Duration) AS durationNs,
  coalesce(nullIf(SpanAttributes['tfy.request.model_name'], ''), nullIf(SpanAttributes['tfy.model.name'], ''), nullIf(SpanAttributes['gen_ai.request.model'], ''), '') AS model,
  toFloat64OrNull(SpanAttributes['tfy.model.metric.time_to_first_token_in_ms']) AS ttftMs,
  toFloat64OrNull(coalesce(nullIf(SpanAttributes['tfy.model.metric.input_tokens'], ''), nullIf(SpanAttributes['gen_ai.usage.input_tokens'], ''))) AS inputTokens,
  toFloat64OrNull(coalesce(nullIf(SpanAttributes['tfy.model.metric.output_tokens'], ''), nullIf(SpanAttributes['gen_ai.usage.output_tokens'], ''))) AS outputTokens,
  toFloat64OrNull(SpanAttributes['tfy.model.metric.cost_in_usd']) AS costUsd,
  SpanAttributes['tfy.request.created_by_subject'] AS caller`;

const RawSpanRow = SpanRow.omit({ status: true }).extend({ statusCode: z.string() });

/** Both StatusCode spellings (Error and STATUS_CODE_ERROR) become one. */
export function toSpanRow(raw: unknown): SpanRow {
  const r = RawSpanRow.parse(raw);
  const code = r.statusCode.toLowerCase();
  const { statusCode: _drop, ...rest } = r;
  return { ...rest, status: code.includes('error') ? 'error' : code.includes('ok') ? 'ok' : 'unset' };
}

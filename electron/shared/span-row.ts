/** A span as the tail and the explorer list show it; core/semantics decides where each LLM column is read. */
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

const RawSpanRow = SpanRow.omit({ status: true }).extend({ statusCode: z.string() });

/** Both StatusCode spellings (Error and STATUS_CODE_ERROR) become one. */
export function toSpanRow(raw: unknown): SpanRow {
  const r = RawSpanRow.parse(raw);
  const code = r.statusCode.toLowerCase();
  const { statusCode: _drop, ...rest } = r;
  return { ...rest, status: code.includes('error') ? 'error' : code.includes('ok') ? 'ok' : 'unset' };
}

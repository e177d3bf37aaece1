/** A span as the tail and the explorer list show it; core/semantics decides where each fact is read. */
import { z } from 'zod';
import { SPAN_FACT_KINDS, type SpanFactName } from './request-facts.js';

type FactShape = { [K in SpanFactName]: (typeof SPAN_FACT_KINDS)[K] extends 'number' ? z.ZodNullable<z.ZodNumber> : z.ZodString };
const factShape = Object.fromEntries(Object.entries(SPAN_FACT_KINDS).map(([name, kind]) => [name, kind === 'number' ? z.number().nullable() : z.string()])) as FactShape;

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
  /** Which instrumentation wrote the span (tfy, genai, openllmetry, openinference, mcp), '' for none of them. */
  dialect: z.string(),
  /** The MCP tool ran and failed (or the server answered with an error code). */
  mcpError: z.boolean(),
  ...factShape,
});
export type SpanRow = z.infer<typeof SpanRow>;

/** A span's own columns as the server sends them (StatusCode in either spelling), without its facts. */
export const SpanOwnColumns = SpanRow.pick({ ts: true, tsNs: true, traceId: true, spanId: true, parentSpanId: true, service: true, name: true, kind: true, statusMessage: true, durationNs: true }).extend({ statusCode: z.string() });

const RawSpanRow = SpanRow.omit({ status: true, mcpError: true }).extend({ statusCode: z.string(), mcpError: z.union([z.number(), z.boolean()]) });

/** Both StatusCode spellings (Error and STATUS_CODE_ERROR) become one. */
export function spanStatusOf(statusCode: string): SpanRow['status'] {
  const code = statusCode.toLowerCase();
  return code.includes('error') ? 'error' : code.includes('ok') ? 'ok' : 'unset';
}

export function toSpanRow(raw: unknown): SpanRow {
  const r = RawSpanRow.parse(raw);
  const { statusCode: _drop, ...rest } = r;
  return { ...rest, mcpError: Boolean(r.mcpError), status: spanStatusOf(r.statusCode) };
}

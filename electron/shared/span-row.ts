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
  /** The caller's teams and the request's X-TFY-METADATA, as the gateway wrote them (capped). */
  teams: z.string(),
  metadata: z.string(),
  /** The gateway's span type (ChatCompletion, Model, MCP, Guardrail…), '' for other spans. */
  spanType: z.string(),
  /** The model this span called (Model spans), as opposed to the request's model. */
  calledModel: z.string(),
  cachedTokens: z.number().nullable(),
  conversationId: z.string(),
  errorMessage: z.string(),
  mcpServer: z.string(),
  mcpTool: z.string(),
  mcpMethod: z.string(),
  /** The MCP tool ran and failed (or the server answered with an error code). */
  mcpError: z.boolean(),
  guardrail: z.string(),
  guardrailResult: z.string(),
});
export type SpanRow = z.infer<typeof SpanRow>;

const RawSpanRow = SpanRow.omit({ status: true, mcpError: true }).extend({ statusCode: z.string(), mcpError: z.union([z.number(), z.boolean()]) });

/** Both StatusCode spellings (Error and STATUS_CODE_ERROR) become one. */
export function toSpanRow(raw: unknown): SpanRow {
  const r = RawSpanRow.parse(raw);
  const code = r.statusCode.toLowerCase();
  const { statusCode: _drop, ...rest } = r;
  return { ...rest, mcpError: Boolean(r.mcpError), status: code.includes('error') ? 'error' : code.includes('ok') ? 'ok' : 'unset' };
}

/**
 * A request: a gateway trace's root with what its spans say, rolled up. The one rule for each
 * field is written twice — here over span rows (the live tail folds spans as they land) and in
 * core/semantics/request-rollup-sql.ts (search and summaries) — and a test holds them equal.
 */
import { z } from 'zod';
import type { SpanRow } from './span-row.js';

export const RequestRow = z.object({
  traceId: z.string(),
  ts: z.string(),
  tsNs: z.string(),
  service: z.string(),
  /** The root span's name and gateway type (ChatCompletion, Embedding, MCP…). */
  name: z.string(),
  spanType: z.string(),
  status: z.enum(['ok', 'error', 'unset']),
  durationNs: z.string(),
  /** The model the caller asked for, and those the gateway actually called (fallbacks, retries). */
  model: z.string(),
  calledModels: z.array(z.string()),
  user: z.string(),
  teams: z.string(),
  conversationId: z.string(),
  metadata: z.string(),
  inputTokens: z.number().nullable(),
  outputTokens: z.number().nullable(),
  cachedTokens: z.number().nullable(),
  costUsd: z.number().nullable(),
  ttftMs: z.number().nullable(),
  spanCount: z.number().int(),
  errorCount: z.number().int(),
  /** The first span that failed, and the error the gateway or the upstream gave. */
  failedSpan: z.string(),
  errorMessage: z.string(),
  guardrails: z.array(z.object({ name: z.string(), result: z.string() })),
  mcpServer: z.string(),
  mcpTool: z.string(),
  mcpMethod: z.string(),
  mcpErrors: z.number().int(),
  /** False while only child spans have landed (a streaming call's root is exported when it ends). */
  hasRoot: z.boolean(),
});
export type RequestRow = z.infer<typeof RequestRow>;

/** The span type whose metrics count: the gateway reports a model call's tokens and cost on its Model span. */
const MODEL = 'Model';

type Metric = 'inputTokens' | 'outputTokens' | 'cachedTokens' | 'costUsd';

function byStart(a: SpanRow, b: SpanRow): number {
  const d = BigInt(a.tsNs) - BigInt(b.tsNs);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

function sum(spans: SpanRow[], m: Metric): number {
  return spans.reduce((a, s) => a + (s[m] ?? 0), 0);
}

/**
 * Each metric counted once: the Model spans' sum when any Model span reports it (two Model
 * spans — a retry, a fallback — add up); else the root's own value (older gateways put it
 * there); else the sum over whichever spans report it (GenAI / OpenInference instrumentation).
 */
function metric(spans: SpanRow[], root: SpanRow | undefined, m: Metric): number | null {
  const models = spans.filter((s) => s.spanType === MODEL && s[m] !== null);
  if (models.length) return sum(models, m);
  if (root && root[m] !== null) return root[m];
  const reporters = spans.filter((s) => s[m] !== null);
  return reporters.length ? sum(reporters, m) : null;
}

/** TTFT of the model call that answered (the last Model span to start); else the root's; else the first reported. */
function ttft(spans: SpanRow[], root: SpanRow | undefined): number | null {
  const models = spans.filter((s) => s.spanType === MODEL && s.ttftMs !== null);
  if (models.length) return models[models.length - 1]!.ttftMs;
  if (root && root.ttftMs !== null) return root.ttftMs;
  return spans.find((s) => s.ttftMs !== null)?.ttftMs ?? null;
}

/** The root's value, else the first non-empty one in start order. */
function first(spans: SpanRow[], root: SpanRow | undefined, pick: (s: SpanRow) => string): string {
  if (root && pick(root)) return pick(root);
  for (const s of spans) if (pick(s)) return pick(s);
  return '';
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter(Boolean))];
}

export function rollupRequest(unsorted: SpanRow[]): RequestRow {
  const spans = [...unsorted].sort(byStart);
  const root = spans.find((s) => s.parentSpanId === '');
  const head = root ?? spans[0]!;
  const failed = spans.filter((s) => s.status === 'error');
  const modelSpans = spans.filter((s) => s.spanType === MODEL);
  const called = unique(modelSpans.map((s) => s.calledModel));
  const calledModels = called.length ? called : unique(spans.filter((s) => s.parentSpanId !== '').map((s) => s.calledModel));
  const mcp = spans.filter((s) => s.spanType === 'MCP');
  const end = spans.reduce((a, s) => (BigInt(s.tsNs) + BigInt(s.durationNs) > a ? BigInt(s.tsNs) + BigInt(s.durationNs) : a), 0n);
  return {
    traceId: head.traceId,
    ts: head.ts,
    tsNs: head.tsNs,
    service: head.service,
    name: head.name,
    spanType: head.spanType,
    status: failed.length ? 'error' : root?.status === 'ok' ? 'ok' : 'unset',
    durationNs: root ? root.durationNs : String(end - BigInt(head.tsNs)),
    model: (root?.model || calledModels[0]) ?? first(spans, root, (s) => s.model),
    calledModels,
    user: first(spans, root, (s) => s.caller),
    teams: first(spans, root, (s) => s.teams),
    conversationId: first(spans, root, (s) => s.conversationId),
    metadata: first(spans, root, (s) => s.metadata),
    inputTokens: metric(spans, root, 'inputTokens'),
    outputTokens: metric(spans, root, 'outputTokens'),
    cachedTokens: metric(spans, root, 'cachedTokens'),
    costUsd: metric(spans, root, 'costUsd'),
    ttftMs: ttft(spans, root),
    spanCount: spans.length,
    errorCount: failed.length,
    failedSpan: failed[0]?.name ?? '',
    errorMessage: first(spans, root, (s) => s.errorMessage) || (failed[0]?.statusMessage ?? ''),
    guardrails: spans.filter((s) => s.spanType === 'Guardrail').map((s) => ({ name: s.guardrail, result: s.guardrailResult })),
    mcpServer: mcp[0]?.mcpServer ?? '',
    mcpTool: mcp[0]?.mcpTool ?? '',
    mcpMethod: mcp[0]?.mcpMethod ?? '',
    mcpErrors: mcp.filter((s) => s.mcpError || s.status === 'error').length,
    hasRoot: root !== undefined,
  };
}

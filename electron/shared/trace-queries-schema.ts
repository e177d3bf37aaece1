/** Shapes of the explorer's answers, shared with the renderer. */
import { z } from 'zod';
import { SpanRow } from './span-row.js';

export const SEARCH_LIMIT_MAX = 1_000;

export const SearchInput = z.object({
  query: z.string().max(2000).default(''),
  fromMs: z.number().int(),
  toMs: z.number().int(),
  service: z.string().max(200).nullable().default(null),
  limit: z.number().int().min(1).max(SEARCH_LIMIT_MAX).default(200),
});

export const SearchResult = z.object({ spans: z.array(SpanRow), rowsRead: z.number().int(), elapsedMs: z.number().int(), truncated: z.boolean() });

export const StrMap = z.record(z.string(), z.string());
export const TraceSpan = SpanRow.extend({
  traceState: z.string(),
  scope: z.string(),
  attributes: StrMap,
  resource: StrMap,
  /** The gateway's facts about this span, ready to show (the page never reads attribute keys). */
  llm: z.object({ spanType: z.string(), input: z.string(), output: z.string(), errorMessage: z.string() }),
  events: z.array(z.object({ ts: z.string(), name: z.string(), attributes: StrMap })),
  links: z.array(z.object({ traceId: z.string(), spanId: z.string(), traceState: z.string(), attributes: StrMap })),
});
export type TraceSpan = z.infer<typeof TraceSpan>;

export const ModelSummaryRow = z.object({
  model: z.string(),
  requests: z.number(),
  errorRate: z.number(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
});


/** Shapes of the explorer's answers, shared with the renderer. */
import { z } from 'zod';
import { RequestRow } from './request-row.js';
import { SpanRow } from './span-row.js';
import { TurnMessage, TurnSide } from './conversation-turn.js';
import { SPAN_FACT_KINDS, SPAN_FACT_NAMES, SUMMED_FACTS, TOKEN_FACTS, type SpanFactName, type SummedFact, type TokenFact } from './request-facts.js';

export const SEARCH_LIMIT_MAX = 1_000;

export const SearchInput = z.object({
  query: z.string().max(2000).default(''),
  fromMs: z.number().int(),
  toMs: z.number().int(),
  service: z.string().max(200).nullable().default(null),
  limit: z.number().int().min(1).max(SEARCH_LIMIT_MAX).default(200),
  /** Lucene (HyperDX's search syntax) or a SQL WHERE expression (HyperDX's SQL mode). */
  language: z.enum(['lucene', 'sql']).default('lucene'),
});

/**
 * How far back a bounded search looked: a bare word without a text index is searched newest
 * time slice first and stops when the page is full; older spans were not searched (null: the whole window was).
 */
const SearchedFrom = z.number().int().nullable();

/** An empty answer's bare words: where they were looked for (span names and texts, not users or models) is then said. */
const BareWords = z.array(z.string()).default([]);

export const SearchResult = z.object({ spans: z.array(SpanRow), rowsRead: z.number().int(), elapsedMs: z.number().int(), truncated: z.boolean(), searchedFromMs: SearchedFrom.default(null), bareWords: BareWords });

/** Where the next page of requests starts: older than this request (newest first by start time, then trace id). */
export const RequestCursor = z.object({ tsNs: z.string().regex(/^\d{1,20}$/, 'tsNs is a count of nanoseconds'), traceId: z.string().regex(/^[0-9a-f]{32}$/, 'a trace id is 32 hex characters') }).strict();

/** A running query's progress, from ClickHouse's own counters. */
export const QueryProgress = z.object({
  queryId: z.string(),
  rowsRead: z.number().int().nonnegative(),
  bytesRead: z.number().int().nonnegative(),
  /** The server's estimate of the rows it will read (0: not known). */
  totalRowsToRead: z.number().int().nonnegative(),
  elapsedMs: z.number().int().nonnegative(),
});

export const StrMap = z.record(z.string(), z.string());
/**
 * The span fields most spans of a big trace leave empty ('' or null, mcpError false). A trace's
 * span carries the non-empty ones in `facts`, and no `facts` when all are empty: at 50,000 spans
 * the empty fields were two thirds of the answer, and checking 36 keys per span on both sides of
 * the contract cost more than the rest of the span. fullTraceSpan puts them back.
 */
export const TRACE_SPAN_SPARSE = ['statusMessage', 'dialect', 'mcpError', ...SPAN_FACT_NAMES] as const;
type Sparse = (typeof TRACE_SPAN_SPARSE)[number];
const sparse = Object.fromEntries(TRACE_SPAN_SPARSE.map((k) => [k, true])) as { [K in Sparse]: true };

export const TraceSpan = SpanRow.omit(sparse).extend({
  facts: SpanRow.pick(sparse).extend({ traceState: z.string(), scope: z.string() }).partial().optional(),
  attributes: StrMap,
  resource: StrMap,
  /** The gateway's facts about this span, ready to show (the page never reads attribute keys). */
  llm: z.object({ spanType: z.string(), input: z.string(), output: z.string(), errorMessage: z.string() }),
  events: z.array(z.object({ ts: z.string(), name: z.string(), attributes: StrMap })),
  links: z.array(z.object({ traceId: z.string(), spanId: z.string(), traceState: z.string(), attributes: StrMap })),
  /** On the first span only, when the trace holds more spans than were sent (the cap cut it): how many it holds. */
  traceSpans: z.number().int().optional(),
});
export type TraceSpan = z.infer<typeof TraceSpan>;
export type TraceSpanFacts = NonNullable<TraceSpan['facts']>;

/** A trace's span with every field present, as the trace view and its panels read it. */
export type FullTraceSpan = SpanRow & Required<TraceSpanFacts> & Omit<TraceSpan, 'facts' | 'traceSpans'>;

/** What a left-out field stands for. */
const SPARSE_EMPTY = {
  statusMessage: '',
  dialect: '',
  mcpError: false,
  traceState: '',
  scope: '',
  ...(Object.fromEntries(SPAN_FACT_NAMES.map((k) => [k, SPAN_FACT_KINDS[k] === 'number' ? null : ''])) as Pick<SpanRow, SpanFactName>),
} satisfies Required<TraceSpanFacts>;

/** The span as received, its left-out fields filled back in. */
export function fullTraceSpan(span: TraceSpan): FullTraceSpan {
  const { facts, traceSpans: _count, ...rest } = span;
  return { ...SPARSE_EMPTY, ...facts, ...rest };
}

/** The summed facts (the token split and cost); costUsd includes costEstimatedUsd, the catalog's estimate for requests no span reported a cost for. */
const summed = { ...Object.fromEntries(SUMMED_FACTS.map((f) => [f, z.number()])), costEstimatedUsd: z.number() } as Record<SummedFact | 'costEstimatedUsd', z.ZodNumber>;

export const ModelSummaryRow = z.object({
  model: z.string(),
  requests: z.number(),
  errorRate: z.number(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  ttftP50Ms: z.number().nullable(),
  ...summed,
});

export const UserSummaryRow = z.object({
  user: z.string(),
  requests: z.number(),
  errorRate: z.number(),
  models: z.number(),
  ...summed,
});

export const McpSummaryRow = z.object({
  server: z.string(),
  tool: z.string(),
  calls: z.number(),
  errors: z.number(),
  requests: z.number(),
  p50Ms: z.number(),
  p95Ms: z.number(),
});

/** Per time bucket: traffic, errors, latency, and cost per model (the top models by cost, the rest as "other"). */
export const SeriesPoint = z.object({
  t: z.number().int(),
  requests: z.number(),
  errors: z.number(),
  p95Ms: z.number(),
  costByModel: z.record(z.string(), z.number()),
  ...(Object.fromEntries(TOKEN_FACTS.map((f) => [f, z.number()])) as Record<TokenFact, z.ZodNumber>),
});

/** The most rows a summary's model and user tables hold (the top ones: models by requests, users by cost). */
export const SUMMARY_TABLE_ROWS = 100;

export const TrafficSummary = z.object({
  fromMs: z.number().int(),
  toMs: z.number().int(),
  bucketMs: z.number().int(),
  /** The service summarised, null for all services. */
  service: z.string().nullable(),
  models: z.array(ModelSummaryRow),
  users: z.array(UserSummaryRow),
  mcp: z.array(McpSummaryRow),
  series: z.array(SeriesPoint),
  /** Every request summarised (of any model) and how many failed: the count a list of the same search pages through. */
  requests: z.number().int().default(0),
  errors: z.number().int().default(0),
  /** The search the summary describes ('' for all requests). */
  query: z.string().default(''),
  rowsRead: z.number().int(),
  elapsedMs: z.number().int(),
  /** Quantiles are approximate (ClickHouse's quantile() samples, merged across time slices); counts, tokens and costs are exact. */
  quantilesApproximate: z.boolean().default(true),
  /** Time slices (one per bucket) taken from the previous summaries unchanged, and read from the table this time. */
  slicesReused: z.number().int().default(0),
  slicesRead: z.number().int().default(0),
  /** Only the requests from coveredFromMs on are summarised yet: the newest part of a slow window, shown while the rest is read. */
  partial: z.boolean().default(false),
  coveredFromMs: z.number().int().optional(),
});

export const RequestSearchResult = z.object({
  requests: z.array(RequestRow),
  rowsRead: z.number().int(),
  elapsedMs: z.number().int(),
  /** More requests match than this page holds. */
  truncated: z.boolean(),
  /** The cursor of the next (older) page, when there is one. */
  next: RequestCursor.nullable().default(null),
  searchedFromMs: SearchedFrom.default(null),
  bareWords: BareWords,
});

/**
 * One turn of a conversation: the request, the messages new in its input (not the history it
 * repeats), its answer, and its system prompt when it differs from the previous turn's (the first
 * turn's is always there). Messages are capped by count and size, each cut said (conversation-turn.ts).
 */
export const ConversationTurn = RequestRow.extend({ input: TurnSide, output: TurnSide, system: z.array(TurnMessage) });
export const Conversation = z.object({
  conversationId: z.string(),
  turns: z.array(ConversationTurn),
  /** More turns than shown (the first ones are). */
  truncated: z.boolean(),
  /** A message's text is cut to this many characters; the page fetches the rest. */
  messageCapChars: z.number().int(),
});

/** A span's full input and output, fetched when the LLM panel opens; capped so a huge prompt cannot freeze the page. */
export const SpanPayload = z.object({ input: z.string(), output: z.string(), inputBytes: z.number().int(), outputBytes: z.number().int(), capBytes: z.number().int() });


/** What a search may name, for autocomplete and the in-app help. */
export const SearchFields = z.object({
  columns: z.array(z.string()),
  shortFields: z.array(z.string()),
  spanKeys: z.array(z.string()),
  resourceKeys: z.array(z.string()),
  help: z.array(z.tuple([z.string(), z.string()])),
});

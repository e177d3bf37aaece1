/**
 * The facts a span can report and how a request rolls them up: one table that the span row's
 * schema, the request row's schema, the live tail's fold (request-row.ts), the SQL rollup
 * (core/semantics/request-rollup-sql.ts), the summaries and the request table's columns are all
 * built from. Where each fact is read on a span, per instrumentation dialect, is
 * core/semantics/span-facts.ts, under the same names. No attribute key lives here: the page
 * imports this file.
 */

/** The instrumentations whose keys are read (core/semantics/span-facts.ts says where), in precedence order. */
export const DIALECTS = ['tfy', 'genai', 'openllmetry', 'openinference', 'mcp'] as const;
export type Dialect = (typeof DIALECTS)[number];

export const DIALECT_LABEL: Record<Dialect, string> = {
  tfy: 'TrueFoundry AI Gateway (tfy.*)',
  genai: 'OpenTelemetry GenAI conventions (gen_ai.*)',
  openllmetry: 'OpenLLMetry, older releases (gen_ai.prompt.N.*, gen_ai.usage.prompt_tokens)',
  openinference: 'OpenInference (llm.*, embedding.*)',
  mcp: 'MCP conventions (mcp.*)',
};

/** The gateway's span types the rollup rules name (tfy.span_type): metrics count on Model spans. */
export const SPAN_TYPE = { model: 'Model', mcp: 'MCP', guardrail: 'Guardrail' } as const;

/** Each fact a span reports, and whether it is text ('' when absent) or a number (null when absent). */
export const SPAN_FACT_KINDS = {
  model: 'text',
  calledModel: 'text',
  provider: 'text',
  operation: 'text',
  user: 'text',
  teams: 'text',
  metadata: 'text',
  conversationId: 'text',
  inputTokens: 'number',
  cacheReadTokens: 'number',
  cacheWriteTokens: 'number',
  outputTokens: 'number',
  reasoningTokens: 'number',
  costUsd: 'number',
  ttftMs: 'number',
  spanType: 'text',
  errorMessage: 'text',
  mcpServer: 'text',
  mcpTool: 'text',
  mcpMethod: 'text',
  guardrail: 'text',
  guardrailResult: 'text',
} as const satisfies Record<string, 'text' | 'number'>;
export type SpanFactName = keyof typeof SPAN_FACT_KINDS;
export const SPAN_FACT_NAMES = Object.keys(SPAN_FACT_KINDS) as SpanFactName[];

/**
 * How a request's value of a fact comes from its spans:
 * - first: the first root's value that is not empty, else the first non-empty one in start order;
 * - metric: counted once — the Model spans' sum when any Model span reports it (a retry or a
 *   fallback's two calls add up), else the root's own value (older gateways put it there; a
 *   trace's several roots add up), else the sum over whichever spans report it (an app's own
 *   GenAI instrumentation);
 * - answering: the value of the call that answered — the last Model span to start that reports it,
 *   else the root's, else the first reported;
 * - firstMcp: the first MCP span's value.
 */
export type RollupRule = 'first' | 'metric' | 'answering' | 'firstMcp';

export const REQUEST_FACT_RULES = {
  provider: 'first',
  user: 'first',
  teams: 'first',
  conversationId: 'first',
  metadata: 'first',
  inputTokens: 'metric',
  cacheReadTokens: 'metric',
  cacheWriteTokens: 'metric',
  outputTokens: 'metric',
  reasoningTokens: 'metric',
  costUsd: 'metric',
  ttftMs: 'answering',
  mcpServer: 'firstMcp',
  mcpTool: 'firstMcp',
  mcpMethod: 'firstMcp',
} as const satisfies Partial<Record<SpanFactName, RollupRule>>;
export type RequestFactName = keyof typeof REQUEST_FACT_RULES;

/** The token split, in the order every view shows it. Input counts every input token, cached or not. */
export const TOKEN_FACTS = ['inputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'outputTokens', 'reasoningTokens'] as const;
export type TokenFact = (typeof TOKEN_FACTS)[number];

/** What the summaries add up per model, user and time bucket (exact sums). */
export const SUMMED_FACTS = [...TOKEN_FACTS, 'costUsd'] as const;
export type SummedFact = (typeof SUMMED_FACTS)[number];

/** Input tokens that were neither read from nor written to a cache. */
export function uncachedInput(t: { inputTokens: number | null; cacheReadTokens: number | null; cacheWriteTokens: number | null }): number | null {
  if (t.inputTokens === null) return null;
  return Math.max(0, t.inputTokens - (t.cacheReadTokens ?? 0) - (t.cacheWriteTokens ?? 0));
}

/** How a fact column of the request table reads: `format` picks the formatter (and its width). */
export interface FactColumn {
  field: RequestFactName;
  label: string;
  format: 'text' | 'count' | 'ms' | 'tokens' | 'cache' | 'output' | 'usd' | 'conversation';
  /** Which columns a narrow table drops first: the highest number goes first (the table's own columns are 0–2). */
  priority: number;
}

/** The request table's fact columns, after its own (time, request, model, status, duration). */
export const REQUEST_FACT_COLUMNS: readonly FactColumn[] = [
  { field: 'user', label: 'User', format: 'text', priority: 5 },
  { field: 'ttftMs', label: 'TTFT', format: 'ms', priority: 6 },
  { field: 'inputTokens', label: 'In', format: 'tokens', priority: 4 },
  { field: 'cacheReadTokens', label: 'Cache', format: 'cache', priority: 8 },
  { field: 'outputTokens', label: 'Out', format: 'output', priority: 4 },
  { field: 'costUsd', label: 'Cost', format: 'usd', priority: 3 },
  { field: 'conversationId', label: 'Conversation', format: 'conversation', priority: 7 },
];

/**
 * The span-fact spec: for each fact a span can report (the model, tokens, cost, TTFT, user,
 * conversation, MCP tool…), where each instrumentation dialect writes it, in precedence order.
 * TrueFoundry's gateway keys come first; every other dialect is read only where those are
 * absent. The SQL column of each fact, the search short fields and the dialect a span speaks
 * are all derived from this table (span-columns-sql.ts, compile-search.ts); how a request
 * rolls its spans' facts up is shared/request-facts.ts, under the same names.
 *
 * Sources: TrueFoundry's span attributes; the OTel GenAI semantic conventions (newest, and the
 * older OpenLLMetry names); OpenInference; the MCP conventions — summarised in shared/DESIGN.md.
 */
import type { Dialect, SpanFactName } from '../../shared/request-facts.js';
import { GEN_AI, OPEN_INFERENCE, TFY } from './gateway-attributes.js';


/** An attribute key; `unit: 's'` means the value is in seconds and the fact in milliseconds. */
export interface KeySource {
  key: string;
  dialect: Dialect;
  unit?: 's';
}

/** A span event whose time since the span's start is the fact, in milliseconds (OpenInference's first token). */
export interface EventSource {
  event: string;
  dialect: Dialect;
}

/** Where a fact is read; whether it is text or a number is shared/request-facts.ts's SPAN_FACT_KINDS. */
export interface SpanFactSpec {
  /** In precedence order: the first source present on a span wins. */
  keys: readonly KeySource[];
  events?: readonly EventSource[];
  /** A text fact none of whose keys is present takes this value where this key is (an MCP span by the MCP conventions). */
  whenPresent?: { key: string; value: string };
  /** Text facts carried in a row are cut to this many characters (the trace view has the rest). */
  cap?: number;
  /**
   * The search short field that reads this fact in every dialect (`user:alice`, `cost:>0.01`);
   * `duration` means the value is milliseconds and the search takes units (`ttft:>500ms`).
   */
  search?: { field: string; duration?: boolean };
}

const k = (key: string, dialect: Dialect, unit?: 's'): KeySource => (unit ? { key, dialect, unit } : { key, dialect });

/** Error messages can be whole upstream answers; a row carries the start, the trace view the rest. */
export const ERROR_MESSAGE_CAP = 500;
export const SHORT_TEXT_CAP = 300;

/** The MCP conventions' keys. */
export const MCP = { methodName: 'mcp.method.name', sessionId: 'mcp.session.id', serverName: 'mcp.server.name', toolErrorType: 'tool_error' } as const;

export const SPAN_FACTS: Record<SpanFactName, SpanFactSpec> = {
  model: {
    search: { field: 'model' },
    keys: [k(TFY.request.modelName, 'tfy'), k(TFY.model.name, 'tfy'), k(GEN_AI.requestModel, 'genai'), k(OPEN_INFERENCE.modelName, 'openinference'), k(OPEN_INFERENCE.embeddingModelName, 'openinference'), k(GEN_AI.responseModel, 'genai')],
  },
  calledModel: {
    keys: [k(TFY.model.name, 'tfy'), k(GEN_AI.responseModel, 'genai'), k(GEN_AI.requestModel, 'genai'), k(OPEN_INFERENCE.modelName, 'openinference'), k(OPEN_INFERENCE.embeddingModelName, 'openinference')],
  },
  provider: {
    search: { field: 'provider' },
    keys: [k(GEN_AI.providerName, 'genai'), k(GEN_AI.system, 'genai'), k(OPEN_INFERENCE.provider, 'openinference'), k(OPEN_INFERENCE.system, 'openinference')],
  },
  operation: { keys: [k(GEN_AI.operationName, 'genai'), k(OPEN_INFERENCE.spanKind, 'openinference'), k(GEN_AI.openllmetryRequestType, 'openllmetry')] },
  user: { search: { field: 'user' }, keys: [k(TFY.request.createdBySubject, 'tfy'), k('user.email', 'genai'), k('enduser.id', 'genai'), k('user.id', 'genai')] },
  teams: { keys: [k(TFY.request.createdBySubjectTeams, 'tfy')], cap: SHORT_TEXT_CAP },
  metadata: { keys: [k(TFY.request.metadata, 'tfy')], cap: SHORT_TEXT_CAP },
  conversationId: { search: { field: 'conversation' }, keys: [k(TFY.request.conversationId, 'tfy'), k(GEN_AI.conversationId, 'genai'), k(OPEN_INFERENCE.sessionId, 'openinference')] },
  /** Every input token, cached or not (the convention in every dialect); the uncached part is what is left. */
  inputTokens: {
    keys: [k(TFY.metric.inputTokens, 'tfy'), k(GEN_AI.inputTokens, 'genai'), k(GEN_AI.promptTokens, 'openllmetry'), k(OPEN_INFERENCE.promptTokens, 'openinference')],
  },
  cacheReadTokens: {
    keys: [k(TFY.metric.cacheReadInputTokens, 'tfy'), k(GEN_AI.cacheReadInputTokens, 'genai'), k(GEN_AI.openllmetryCacheReadInputTokens, 'openllmetry'), k(OPEN_INFERENCE.cacheReadTokens, 'openinference')],
  },
  cacheWriteTokens: {
    keys: [
      k(TFY.metric.cacheCreationInputTokens, 'tfy'),
      k(GEN_AI.cacheWriteInputTokens, 'genai'),
      k(GEN_AI.cacheCreationInputTokens, 'genai'),
      k(GEN_AI.openllmetryCacheCreationInputTokens, 'openllmetry'),
      k(OPEN_INFERENCE.cacheWriteTokens, 'openinference'),
    ],
  },
  outputTokens: {
    keys: [k(TFY.metric.outputTokens, 'tfy'), k(GEN_AI.outputTokens, 'genai'), k(GEN_AI.completionTokens, 'openllmetry'), k(OPEN_INFERENCE.completionTokens, 'openinference')],
  },
  /** Part of the output tokens (as every dialect counts them). */
  reasoningTokens: {
    keys: [k(GEN_AI.reasoningOutputTokens, 'genai'), k(GEN_AI.openllmetryReasoningTokens, 'openllmetry'), k(OPEN_INFERENCE.reasoningTokens, 'openinference')],
  },
  costUsd: { search: { field: 'cost' }, keys: [k(TFY.metric.costUsd, 'tfy'), k(OPEN_INFERENCE.costTotal, 'openinference')] },
  ttftMs: {
    search: { field: 'ttft', duration: true },
    keys: [k(TFY.metric.ttftMs, 'tfy'), k(GEN_AI.timeToFirstChunk, 'genai', 's')],
    events: [{ event: OPEN_INFERENCE.firstTokenEvent, dialect: 'openinference' }],
  },
  spanType: { search: { field: 'type' }, keys: [k(TFY.spanType, 'tfy')], whenPresent: { key: MCP.methodName, value: 'MCP' } },
  errorMessage: { keys: [k(TFY.errorMessage, 'tfy'), k(GEN_AI.errorMessage, 'genai')], cap: ERROR_MESSAGE_CAP },
  mcpServer: { search: { field: 'mcp' }, keys: [k(TFY.mcp.name, 'tfy'), k(TFY.mcp.serverName, 'tfy'), k(TFY.mcp.fqn, 'tfy'), k(MCP.serverName, 'mcp')] },
  mcpTool: { search: { field: 'tool' }, keys: [k(TFY.mcp.primitiveName, 'tfy'), k(GEN_AI.toolName, 'mcp')] },
  mcpMethod: { keys: [k(TFY.mcp.method, 'tfy'), k(MCP.methodName, 'mcp')] },
  guardrail: { keys: [k(TFY.guardrail.name, 'tfy'), k(TFY.guardrail.fqn, 'tfy')] },
  guardrailResult: { keys: [k(TFY.guardrail.result, 'tfy')] },
};


/** The keys of a fact, in precedence order. */
export function keysOf(fact: SpanFactName): string[] {
  return SPAN_FACTS[fact].keys.map((s) => s.key);
}

/**
 * Which dialect a span speaks, told by a key only that dialect writes, in this order (the
 * gateway first: its spans may carry gen_ai.* too). A span of none of them is ''.
 */
export const DIALECT_MARKERS: readonly { dialect: Dialect; keys: readonly string[] }[] = [
  { dialect: 'tfy', keys: [TFY.spanType, TFY.model.name, TFY.request.modelName] },
  { dialect: 'openinference', keys: [OPEN_INFERENCE.spanKind, OPEN_INFERENCE.modelName, OPEN_INFERENCE.embeddingModelName] },
  { dialect: 'openllmetry', keys: [GEN_AI.promptTokens, GEN_AI.completionTokens, 'gen_ai.prompt.0.role', 'gen_ai.completion.0.role', GEN_AI.openllmetryRequestType, 'llm.usage.total_tokens'] },
  { dialect: 'genai', keys: [GEN_AI.operationName, GEN_AI.requestModel, GEN_AI.providerName, GEN_AI.system, GEN_AI.inputTokens] },
  { dialect: 'mcp', keys: [MCP.methodName] },
];

/** Where a chat's messages are, per dialect: one attribute holding JSON, or indexed keys (`prefix.N.role`…). */
export interface MessageSource {
  dialect: Dialect;
  /** One attribute whose value is the messages (JSON) or a prompt text. */
  key?: string;
  /** Indexed keys: `${prefix}.${N}.${role}` and `${prefix}.${N}.${content}`. */
  indexed?: { prefix: string; role: string; content: string };
}

export const INPUT_MESSAGES: readonly MessageSource[] = [
  { dialect: 'tfy', key: TFY.input },
  { dialect: 'genai', key: GEN_AI.inputMessages },
  { dialect: 'openllmetry', indexed: { prefix: 'gen_ai.prompt', role: 'role', content: 'content' } },
  { dialect: 'openllmetry', key: GEN_AI.prompt },
  { dialect: 'openinference', indexed: { prefix: 'llm.input_messages', role: 'message.role', content: 'message.content' } },
  { dialect: 'openinference', key: OPEN_INFERENCE.inputValue },
];
export const OUTPUT_MESSAGES: readonly MessageSource[] = [
  { dialect: 'tfy', key: TFY.output },
  { dialect: 'genai', key: GEN_AI.outputMessages },
  { dialect: 'openllmetry', indexed: { prefix: 'gen_ai.completion', role: 'role', content: 'content' } },
  { dialect: 'openllmetry', key: GEN_AI.completion },
  { dialect: 'openinference', indexed: { prefix: 'llm.output_messages', role: 'message.role', content: 'message.content' } },
  { dialect: 'openinference', key: OPEN_INFERENCE.outputValue },
];
/** The system prompt where a dialect keeps it apart from the messages. */
export const SYSTEM_INSTRUCTIONS_KEY = GEN_AI.systemInstructions;

/** The single-attribute message keys, for SQL that reads a message text without assembling indexed keys. */
export function messageKeys(sources: readonly MessageSource[]): string[] {
  return sources.flatMap((s) => (s.key ? [s.key] : s.indexed ? [`${s.indexed.prefix}.0.${s.indexed.content}`] : []));
}

/** An MCP call whose tool itself failed: the gateway's flag or error code, or `error.type = tool_error`. */
export const MCP_TOOL_ERROR = { flag: TFY.mcp.isToolCallExecutionError, errorCode: TFY.mcp.errorCode, errorType: GEN_AI.errorType, errorTypeValue: MCP.toolErrorType } as const;
/** Keys the dialect and the MCP tool error are read from, besides the facts' own. */
export const MARKER_KEYS: readonly string[] = [...new Set([...DIALECT_MARKERS.flatMap((m) => m.keys), MCP_TOOL_ERROR.flag, MCP_TOOL_ERROR.errorCode, MCP_TOOL_ERROR.errorType])];
/** Every attribute key a span fact, the dialect or the MCP tool error is read from. */
export const FACT_ATTRIBUTE_KEYS: readonly string[] = [
  ...new Set([...(Object.values(SPAN_FACTS) as SpanFactSpec[]).flatMap((spec) => [...spec.keys.map((k) => k.key), ...(spec.whenPresent ? [spec.whenPresent.key] : [])]), ...MARKER_KEYS]),
];
/** Every span event a fact is read from. */
export const FACT_EVENTS: readonly string[] = [...new Set((Object.values(SPAN_FACTS) as SpanFactSpec[]).flatMap((spec) => (spec.events ?? []).map((e) => e.event)))];
export const MCP_LATENCY_KEYS = [TFY.mcp.latencyMs] as const;

/** The search short fields the spec names, each with its fact. */
export const FACT_SEARCH_FIELDS: ReadonlyMap<string, SpanFactName> = new Map(
  (Object.entries(SPAN_FACTS) as [SpanFactName, SpanFactSpec][]).flatMap(([fact, spec]) => (spec.search ? [[spec.search.field, fact] as const] : [])),
);

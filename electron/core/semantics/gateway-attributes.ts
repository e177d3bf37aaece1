/**
 * The only home of the TrueFoundry AI Gateway's attribute keys (and the OTel GenAI / older
 * gateway keys read where tfy.* is absent). Everything else asks this module; the renderer
 * receives display-ready fields and never sees a key.
 * Source: TrueFoundry's docs on span attributes, summarised in shared/DESIGN.md.
 */
import { SPAN_TYPE } from '../../shared/request-facts.js';

export const TFY = {
  spanType: 'tfy.span_type',
  input: 'tfy.input',
  output: 'tfy.output',
  inputShortHand: 'tfy.input_short_hand',
  errorMessage: 'tfy.error_message',
  triggeredGuardrails: 'tfy.triggered_guardrail_fqns',
  request: {
    modelName: 'tfy.request.model_name',
    createdBySubject: 'tfy.request.created_by_subject',
    createdBySubjectTeams: 'tfy.request.created_by_subject_teams',
    metadata: 'tfy.request.metadata',
    conversationId: 'tfy.request.conversation_id',
  },
  model: {
    id: 'tfy.model.id',
    name: 'tfy.model.name',
    fqn: 'tfy.model.fqn',
    requestUrl: 'tfy.model.request_url',
    streaming: 'tfy.model.streaming',
    requestType: 'tfy.model.request_type',
  },
  metric: {
    inputTokens: 'tfy.model.metric.input_tokens',
    outputTokens: 'tfy.model.metric.output_tokens',
    costUsd: 'tfy.model.metric.cost_in_usd',
    ttftMs: 'tfy.model.metric.time_to_first_token_in_ms',
    latencyMs: 'tfy.model.metric.latency_in_ms',
    interTokenLatencyMs: 'tfy.model.metric.inter_token_latency_in_ms',
    cacheReadInputTokens: 'tfy.model.metric.cache_read_input_tokens',
    cacheCreationInputTokens: 'tfy.model.metric.cache_creation_input_tokens',
  },
  mcp: {
    id: 'tfy.mcp_server.id',
    name: 'tfy.mcp_server.name',
    url: 'tfy.mcp_server.url',
    fqn: 'tfy.mcp_server.fqn',
    serverName: 'tfy.mcp_server.server_name',
    method: 'tfy.mcp_server.method',
    primitiveName: 'tfy.mcp_server.primitive_name',
    errorCode: 'tfy.mcp_server.error_code',
    isToolCallExecutionError: 'tfy.mcp_server.is_tool_call_execution_error',
    latencyMs: 'tfy.mcp_server.metric.latency_in_ms',
    numberOfTools: 'tfy.mcp_server.metric.number_of_tools',
  },
  guardrail: {
    id: 'tfy.guardrail.id',
    name: 'tfy.guardrail.name',
    fqn: 'tfy.guardrail.fqn',
    result: 'tfy.guardrail.result',
    latencyMs: 'tfy.guardrail.metric.latency_in_ms',
  },
} as const;

/** OpenTelemetry GenAI conventions (newest), and the names OpenLLMetry's older releases write. */
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  /** Deprecated for gen_ai.provider.name; older instrumentations still write it. */
  system: 'gen_ai.system',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheWriteInputTokens: 'gen_ai.usage.cache_write.input_tokens',
  /** The older name of cache_write.input_tokens. */
  cacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  reasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
  /** Seconds, as a double. */
  timeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  systemInstructions: 'gen_ai.system_instructions',
  conversationId: 'gen_ai.conversation.id',
  toolName: 'gen_ai.tool.name',
  errorType: 'error.type',
  errorMessage: 'error.message',
  // OpenLLMetry's older releases:
  prompt: 'gen_ai.prompt',
  completion: 'gen_ai.completion',
  promptTokens: 'gen_ai.usage.prompt_tokens',
  completionTokens: 'gen_ai.usage.completion_tokens',
  openllmetryCacheReadInputTokens: 'gen_ai.usage.cache_read_input_tokens',
  openllmetryCacheCreationInputTokens: 'gen_ai.usage.cache_creation_input_tokens',
  openllmetryReasoningTokens: 'gen_ai.usage.reasoning_tokens',
  openllmetryRequestType: 'llm.request.type',
} as const;

/** OpenInference (Arize, Phoenix) keys. */
export const OPEN_INFERENCE = {
  spanKind: 'openinference.span.kind',
  modelName: 'llm.model_name',
  embeddingModelName: 'embedding.model_name',
  provider: 'llm.provider',
  system: 'llm.system',
  promptTokens: 'llm.token_count.prompt',
  completionTokens: 'llm.token_count.completion',
  cacheReadTokens: 'llm.token_count.prompt_details.cache_read',
  cacheWriteTokens: 'llm.token_count.prompt_details.cache_write',
  reasoningTokens: 'llm.token_count.completion_details.reasoning',
  costTotal: 'llm.cost.total',
  inputValue: 'input.value',
  outputValue: 'output.value',
  sessionId: 'session.id',
  /** The span event a streaming call records when its first token arrives. */
  firstTokenEvent: 'First Token Stream Event',
} as const;

export const HTTP_STATUS_CODE = 'http.response.status_code';

/** The gateway's span types (tfy.span_type). */
export const SPAN_TYPES = ['ChatCompletion', 'Completion', 'MCP', 'Rerank', 'Embedding', 'Model', 'AgentResponse', 'Guardrail'] as const;

/** The span type whose metrics are the authoritative ones: the gateway reports a model call's tokens and cost there. */
export const MODEL_SPAN_TYPE = SPAN_TYPE.model;
export const MCP_SPAN_TYPE = SPAN_TYPE.mcp;
export const GUARDRAIL_SPAN_TYPE = SPAN_TYPE.guardrail;

/** Marks the app's own test and canary traces. */
export const TEST_MARKER = { flag: 'clickstack_tray.test', id: 'clickstack_tray.test_id' } as const;

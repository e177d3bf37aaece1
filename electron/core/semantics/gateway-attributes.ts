/**
 * The only home of the TrueFoundry AI Gateway's attribute keys (and the OTel GenAI / older
 * gateway keys read where tfy.* is absent). Everything else asks this module; the renderer
 * receives display-ready fields and never sees a key.
 * Source: TrueFoundry's docs on span attributes, summarised in shared/DESIGN.md.
 */
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

/** OpenTelemetry GenAI conventions and the older gateway's chatCompletions span. */
export const GEN_AI = {
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  prompt: 'gen_ai.prompt',
  completion: 'gen_ai.completion',
  conversationId: 'gen_ai.conversation.id',
} as const;

export const HTTP_STATUS_CODE = 'http.response.status_code';

/** The gateway's span types (tfy.span_type). */
export const SPAN_TYPES = ['ChatCompletion', 'Completion', 'MCP', 'Rerank', 'Embedding', 'Model', 'AgentResponse', 'Guardrail'] as const;

/** Where a span's model name is read, first non-empty wins: requested model, then called model, then GenAI. */
export const MODEL_KEYS = [TFY.request.modelName, TFY.model.name, GEN_AI.requestModel] as const;
export const INPUT_TOKEN_KEYS = [TFY.metric.inputTokens, GEN_AI.inputTokens] as const;
export const OUTPUT_TOKEN_KEYS = [TFY.metric.outputTokens, GEN_AI.outputTokens] as const;
export const COST_KEYS = [TFY.metric.costUsd] as const;
export const TTFT_KEYS = [TFY.metric.ttftMs] as const;
export const CALLER_KEYS = [TFY.request.createdBySubject] as const;
export const CONVERSATION_KEYS = [TFY.request.conversationId, GEN_AI.conversationId] as const;
export const INPUT_TEXT_KEYS = [TFY.input, GEN_AI.prompt] as const;
export const OUTPUT_TEXT_KEYS = [TFY.output, GEN_AI.completion] as const;
export const ERROR_MESSAGE_KEYS = [TFY.errorMessage] as const;

/** Marks the app's own test and canary traces. */
export const TEST_MARKER = { flag: 'clickstack_tray.test', id: 'clickstack_tray.test_id' } as const;

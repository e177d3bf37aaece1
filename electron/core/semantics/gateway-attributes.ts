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
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  conversationId: 'gen_ai.conversation.id',
} as const;

/** OpenInference (Arize, Phoenix) keys, read last. */
export const OPEN_INFERENCE = {
  modelName: 'llm.model_name',
  promptTokens: 'llm.token_count.prompt',
  completionTokens: 'llm.token_count.completion',
  inputValue: 'input.value',
  outputValue: 'output.value',
} as const;

export const HTTP_STATUS_CODE = 'http.response.status_code';

/** The gateway's span types (tfy.span_type). */
export const SPAN_TYPES = ['ChatCompletion', 'Completion', 'MCP', 'Rerank', 'Embedding', 'Model', 'AgentResponse', 'Guardrail'] as const;

/** Where a span's model name is read, first non-empty wins: requested model, then called model, then GenAI, then OpenInference. */
export const MODEL_KEYS = [TFY.request.modelName, TFY.model.name, GEN_AI.requestModel, OPEN_INFERENCE.modelName] as const;
/** The model a Model span actually called (fallbacks and retries can call several per request). */
export const CALLED_MODEL_KEYS = [TFY.model.name, GEN_AI.responseModel, GEN_AI.requestModel, OPEN_INFERENCE.modelName] as const;
export const INPUT_TOKEN_KEYS = [TFY.metric.inputTokens, GEN_AI.inputTokens, OPEN_INFERENCE.promptTokens] as const;
export const OUTPUT_TOKEN_KEYS = [TFY.metric.outputTokens, GEN_AI.outputTokens, OPEN_INFERENCE.completionTokens] as const;
export const CACHED_TOKEN_KEYS = [TFY.metric.cacheReadInputTokens] as const;
export const COST_KEYS = [TFY.metric.costUsd] as const;
export const TTFT_KEYS = [TFY.metric.ttftMs] as const;
export const CALLER_KEYS = [TFY.request.createdBySubject] as const;
export const TEAMS_KEYS = [TFY.request.createdBySubjectTeams] as const;
export const METADATA_KEYS = [TFY.request.metadata] as const;
export const CONVERSATION_KEYS = [TFY.request.conversationId, GEN_AI.conversationId] as const;
export const INPUT_TEXT_KEYS = [TFY.input, GEN_AI.inputMessages, GEN_AI.prompt, OPEN_INFERENCE.inputValue] as const;
export const OUTPUT_TEXT_KEYS = [TFY.output, GEN_AI.outputMessages, GEN_AI.completion, OPEN_INFERENCE.outputValue] as const;
export const ERROR_MESSAGE_KEYS = [TFY.errorMessage] as const;
export const MCP_SERVER_KEYS = [TFY.mcp.name, TFY.mcp.serverName, TFY.mcp.fqn] as const;
export const MCP_TOOL_KEYS = [TFY.mcp.primitiveName] as const;
export const MCP_METHOD_KEYS = [TFY.mcp.method] as const;
export const MCP_LATENCY_KEYS = [TFY.mcp.latencyMs] as const;
export const GUARDRAIL_NAME_KEYS = [TFY.guardrail.name, TFY.guardrail.fqn] as const;
export const GUARDRAIL_RESULT_KEYS = [TFY.guardrail.result] as const;
export const SPAN_TYPE_KEYS = [TFY.spanType] as const;

/** The span type whose metrics are the authoritative ones: the gateway reports a model call's tokens and cost there. */
export const MODEL_SPAN_TYPE = 'Model';
export const MCP_SPAN_TYPE = 'MCP';
export const GUARDRAIL_SPAN_TYPE = 'Guardrail';
/** An MCP tool call whose tool itself failed (the call succeeded at the protocol level). */
export const MCP_TOOL_ERROR_KEYS = [TFY.mcp.isToolCallExecutionError] as const;
export const MCP_ERROR_CODE_KEYS = [TFY.mcp.errorCode] as const;

/** Marks the app's own test and canary traces. */
export const TEST_MARKER = { flag: 'clickstack_tray.test', id: 'clickstack_tray.test_id' } as const;

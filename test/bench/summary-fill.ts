/** The gateway-shaped rows bench:summary fills the sandbox with, generated inside the engine. */
const SERVICE = 'tfy-llm-gateway';

/** Gateway-shaped spans generated inside the engine: request r is spans 4r…4r+3. */
export function fillSql(now: number, count: number, offset: number, spreadMs: number): string {
  return `INSERT INTO otel_traces (Timestamp, TraceId, SpanId, ParentSpanId, ServiceName, SpanName, SpanKind, Duration, StatusCode, StatusMessage, SpanAttributes)
    SELECT fromUnixTimestamp64Milli(toInt64(${now} - ${spreadMs} + intDiv(r * ${spreadMs}, ${Math.max(1, count / 4)}) + pos * 3)) AS ts,
           lower(hex(MD5(toString(r + ${offset})))) AS trace,
           lower(substring(hex(MD5(concat(toString(r + ${offset}), '-', toString(pos)))), 1, 16)),
           if(pos = 0, '', if(pos = 3, lower(substring(hex(MD5(concat(toString(r + ${offset}), '-2'))), 1, 16)), lower(substring(hex(MD5(concat(toString(r + ${offset}), '-0'))), 1, 16)))),
           if(r % 10 = 9, 'other-service', '${SERVICE}'),
           [if(r % 20 = 0, 'MCP', 'ChatCompletion'), 'Guardrail', 'Model', 'Network Call'][pos + 1],
           ['Server', 'Internal', 'Internal', 'Client'][pos + 1],
           if(r % 20 = 1, 60000000000 + (r * 7919) % 200000000000, 200000000 + (r * 104729) % 5000000000) - pos * 1000000,
           if(pos = 3 AND r % 50 = 7, 'Error', 'Ok'),
           if(pos = 3 AND r % 50 = 7, 'upstream 429', ''),
           multiIf(
             pos = 0, map('tfy.span_type', if(r % 20 = 0, 'MCP', 'ChatCompletion'),
                          'tfy.request.model_name', ['openai-main/gpt-4o', 'anthropic-main/claude-sonnet-4', 'openai-main/gpt-4o-mini', 'bedrock/llama-3-70b'][r % 4 + 1],
                          'tfy.request.created_by_subject', concat('user:u', toString(r % 97), '@acme.dev'),
                          'tfy.request.conversation_id', concat('conv-', toString(intDiv(r, 5))),
                          'tfy.mcp_server.name', if(r % 20 = 0, ['github', 'slack', 'postgres'][r % 3 + 1], ''),
                          'tfy.mcp_server.primitive_name', if(r % 20 = 0, ['search_issues', 'post_message', 'run_query'][r % 3 + 1], ''),
                          'tfy.input', concat('[{"role":"user","content":"Question ', toString(r), ': what is the status of my order? Please answer briefly and cite the policy."}]'),
                          'tfy.output', concat('{"role":"assistant","content":"Order ', toString(r), ' ships tomorrow."}')),
             pos = 1, map('tfy.span_type', 'Guardrail', 'tfy.guardrail.name', 'pii-redaction', 'tfy.guardrail.result', if(r % 13 = 0, 'flag', 'pass')),
             pos = 2, map('tfy.span_type', 'Model', 'tfy.model.name', ['gpt-4o', 'claude-sonnet-4', 'gpt-4o-mini', 'llama-3-70b'][r % 4 + 1],
                          'tfy.model.metric.input_tokens', toString(50 + r % 1900), 'tfy.model.metric.output_tokens', toString(10 + r % 700),
                          'tfy.model.metric.cost_in_usd', toString(round((50 + r % 1900) * 0.0000025 + (10 + r % 700) * 0.00001, 9)),
                          'tfy.model.metric.time_to_first_token_in_ms', toString(80 + r % 900)),
             map('http.response.status_code', if(r % 50 = 7, '429', '200')))
    FROM (SELECT intDiv(number, 4) AS r, number % 4 AS pos FROM numbers(${count}))`;
}


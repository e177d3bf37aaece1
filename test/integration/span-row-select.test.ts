/**
 * A span row read two ways must be the same row: the facts computed by the server (the SQL
 * columns span-columns-sql.ts writes, which the summaries and alerts aggregate) and the facts read
 * in the app from the span's fact attributes (span-row-select.ts, what the lists, the live tail
 * and the requests page show). Spans of every dialect in their documented shapes (DESIGN.md),
 * written with literal attribute names as a client sends them over OTLP/JSON, plus the values that
 * tell two readers apart: empty values, numbers in every text form, text that is no number,
 * seconds against milliseconds, an event-only TTFT, an MCP error, a long non-ASCII message.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../electron/core/clickhouse/clickhouse-clients.js';
import { spanRowColumnsSql } from '../../electron/core/semantics/span-columns-sql.js';
import { spanRowSelect } from '../../electron/core/semantics/span-row-select.js';
import { toSpanRow } from '../../electron/shared/span-row.js';
import { postOtlp } from '../support/otlp-http.js';
import { sandboxLocation, sandboxTable, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const now = Date.now();
const ns = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
const int = (key: string, v: number) => ({ key, value: { intValue: String(v) } });
const dbl = (key: string, v: number) => ({ key, value: { doubleValue: v } });
const bool = (key: string, v: boolean) => ({ key, value: { boolValue: v } });

interface SpanShape {
  name: string;
  attributes: object[];
  events?: object[];
  error?: boolean;
}

const traceId = randomBytes(16).toString('hex');
const longMessage = `Überschreitung des Kontingents — ${'é'.repeat(400)}`;
const SHAPES: SpanShape[] = [
  {
    name: 'ChatCompletion',
    attributes: [
      str('tfy.span_type', 'ChatCompletion'),
      str('tfy.request.model_name', 'openai-main/gpt-4o'),
      str('tfy.request.created_by_subject', 'user:alice@acme.dev'),
      str('tfy.request.conversation_id', 'conv-7'),
      str('tfy.request.created_by_subject_teams', '["ml","platform"]'),
      str('tfy.error_message', longMessage),
      str('tfy.input', '[{"role":"user","content":"hi"}]'),
    ],
    error: true,
  },
  {
    name: 'Model',
    attributes: [
      str('tfy.span_type', 'Model'),
      str('tfy.model.name', 'gpt-4o'),
      str('tfy.model.metric.input_tokens', '1200'),
      str('tfy.model.metric.output_tokens', '3.4e2'),
      str('tfy.model.metric.cost_in_usd', '.0042'),
      str('tfy.model.metric.time_to_first_token_in_ms', '180'),
      str('tfy.model.metric.cache_read_input_tokens', ''),
    ],
  },
  { name: 'Network Call', attributes: [int('http.response.status_code', 429)], error: true },
  { name: 'Guardrail', attributes: [str('tfy.span_type', 'Guardrail'), str('tfy.guardrail.name', 'pii-redaction'), str('tfy.guardrail.result', 'flag')] },
  {
    name: 'MCP',
    attributes: [str('tfy.span_type', 'MCP'), str('tfy.mcp_server.name', 'github'), str('tfy.mcp_server.primitive_name', 'search_issues'), str('tfy.mcp_server.method', 'tools/call'), bool('tfy.mcp_server.is_tool_call_execution_error', true)],
  },
  { name: 'tools/call run_query', attributes: [str('mcp.method.name', 'tools/call'), str('gen_ai.tool.name', 'run_query'), str('error.type', 'tool_error')] },
  { name: 'tools/call lookup', attributes: [str('mcp.method.name', 'tools/call'), str('tfy.mcp_server.error_code', '0')] },
  {
    name: 'chat gpt-4o-mini',
    attributes: [
      str('gen_ai.operation.name', 'chat'),
      str('gen_ai.provider.name', 'openai'),
      str('gen_ai.request.model', 'gpt-4o-mini'),
      str('gen_ai.response.model', 'gpt-4o-mini-2024-07-18'),
      int('gen_ai.usage.input_tokens', 42),
      int('gen_ai.usage.output_tokens', 7),
      int('gen_ai.usage.cache_read.input_tokens', 10),
      int('gen_ai.usage.cache_write.input_tokens', 3),
      int('gen_ai.usage.reasoning.output_tokens', 2),
      dbl('gen_ai.response.time_to_first_chunk', 0.25),
      str('gen_ai.conversation.id', 'conv-genai'),
      str('user.email', 'bob@acme.dev'),
    ],
  },
  {
    name: 'openai.chat',
    attributes: [str('gen_ai.system', 'openai'), str('llm.request.type', 'chat'), str('gen_ai.request.model', 'gpt-3.5-turbo'), int('gen_ai.usage.prompt_tokens', 15), str('gen_ai.usage.completion_tokens', '12abc'), int('llm.usage.total_tokens', 27), str('gen_ai.prompt.0.role', 'user'), str('gen_ai.prompt.0.content', 'hello')],
  },
  {
    name: 'ChatCompletion',
    attributes: [str('openinference.span.kind', 'LLM'), str('llm.model_name', 'gpt-4o'), str('llm.provider', 'openai'), int('llm.token_count.prompt', 30), int('llm.token_count.completion', 5), int('llm.token_count.prompt_details.cache_read', 4), str('session.id', 'sess-1'), str('llm.cost.total', '0x1A')],
    events: [{ name: 'First Token Stream Event', timeUnixNano: ns(now - 60_000 + 9 * 50 + 123) }],
  },
  { name: 'CreateEmbeddings', attributes: [str('openinference.span.kind', 'EMBEDDING'), str('embedding.model_name', 'text-embedding-3-small'), str('user.id', ' u-1')] },
  { name: 'GET /health', attributes: [str('http.method', 'GET')] },
];

function body(service: string) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', service)] },
        scopeSpans: [
          {
            scope: { name: 'mixed-instrumentation' },
            spans: SHAPES.map((s, i) => ({
              traceId,
              spanId: randomBytes(8).toString('hex'),
              ...(i > 0 ? { parentSpanId: '0000000000000001' } : {}),
              name: s.name,
              kind: 1,
              startTimeUnixNano: ns(now - 60_000 + i * 50),
              endTimeUnixNano: ns(now - 60_000 + i * 50 + 900),
              attributes: s.attributes,
              events: s.events ?? [],
              status: s.error ? { code: 2, message: 'upstream 429' } : { code: 1 },
            })),
          },
        ],
      },
    ],
  };
}

describe.each(['clickstack', 'compat', 'exporter', 'exporter-json'])('span rows on the %s table', (schema) => {
  let sandbox: TestSandbox;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ args: ['--schema', schema] });
    expect((await postOtlp(sandbox.otlp, JSON.stringify(body('mixed-app')))).status).toBe(200);
  });

  afterAll(async () => {
    await sandbox?.dispose();
  });

  it('reads every fact the same in the app as the server computes it', async () => {
    const location = sandboxLocation(sandbox);
    const table = await sandboxTable(sandbox);
    const where = `FROM ${'`default`.`otel_traces`'} WHERE TraceId = {t:String} ORDER BY Timestamp, SpanId`;
    const bySql = await queryRows(location, { kind: 'search', sql: `SELECT ${spanRowColumnsSql(table.layout)} ${where}`, params: { t: traceId }, row: z.unknown() });
    const select = spanRowSelect(table.layout);
    const inApp = await queryRows(location, { kind: 'search', sql: `SELECT ${select.sql} ${where}`, params: { t: traceId }, row: z.unknown() });
    expect(bySql.rows).toHaveLength(SHAPES.length);
    const sqlRows = bySql.rows.map(toSpanRow);
    const appRows = inApp.rows.map(select.parse);
    for (let i = 0; i < SHAPES.length; i++) expect(appRows[i], `${SHAPES[i]!.name} (${i})`).toEqual(sqlRows[i]);
    // What the readers have to get right, as a person reads the rows.
    const named = (name: string) => appRows.filter((r) => r.name === name);
    expect(named('Model')[0]).toMatchObject({ model: 'gpt-4o', inputTokens: 1200, outputTokens: 340, costUsd: 0.0042, ttftMs: 180, cacheReadTokens: null, dialect: 'tfy' });
    expect(named('chat gpt-4o-mini')[0]).toMatchObject({ ttftMs: 250, provider: 'openai', cacheWriteTokens: 3, reasoningTokens: 2, user: 'bob@acme.dev', dialect: 'genai' });
    expect(named('openai.chat')[0]).toMatchObject({ inputTokens: 15, outputTokens: null, dialect: 'openllmetry' });
    expect(appRows.find((r) => r.dialect === 'openinference' && r.model === 'gpt-4o')).toMatchObject({ ttftMs: 123, costUsd: null, cacheReadTokens: 4 });
    expect(named('tools/call run_query')[0]).toMatchObject({ mcpError: true, spanType: 'MCP', mcpTool: 'run_query' });
    expect(named('tools/call lookup')[0]).toMatchObject({ mcpError: false });
    expect(named('MCP')[0]).toMatchObject({ mcpError: true, mcpServer: 'github' });
    expect(Buffer.byteLength(appRows[0]!.errorMessage, 'utf8')).toBeLessThanOrEqual(500);
    expect(appRows[0]!.errorMessage.startsWith('Überschreitung')).toBe(true);
    // An answer that is not a span row (a server or proxy answering in another shape) is refused, saying where.
    const raw = inApp.rows[0] as Record<string, unknown>;
    if ('factAttributes' in raw) {
      expect(() => select.parse({ ...raw, factAttributes: { 'tfy.model.name': 42 } })).toThrow(/factAttributes[\s\S]*map of attribute texts/);
      expect(() => select.parse({ ...raw, factAttributes: ['tfy.model.name'] })).toThrow(/map of attribute texts/);
    }
  });
});

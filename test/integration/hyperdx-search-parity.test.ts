/**
 * The same search finds the same spans here as in HyperDX. For each query of HyperDX's own
 * shapes, the SQL HyperDX's rules produce (packages/common-utils/src/queryParser.ts and its
 * tests, written out by hand here, with literals as HyperDX renders them) runs on the sandbox
 * next to ours: identical span sets for field queries, a superset for bare words. On the
 * bloom-filter layout and on the newest one with text indexes on attribute items.
 */
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchSpans } from '../../electron/core/traces/span-search.js';
import { gatewayMix, otlpBody, type GenRequest } from '../support/gateway-traffic.js';
import { postOtlp } from '../support/otlp-http.js';
import { sandboxLocation, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const LAYOUTS = ['compat', 'clickstack'] as const;
const sandboxes: Partial<Record<(typeof LAYOUTS)[number], TestSandbox>> = {};
let sent: GenRequest[] = [];
const now = Date.now();
const window = { fromMs: now - 3600_000, toMs: now + 60_000 };

beforeAll(async () => {
  sent = gatewayMix(150, 77, now);
  const staging = gatewayMix(20, 78, now);
  await Promise.all(
    LAYOUTS.map(async (layout) => {
      const s = await startTestSandbox({ args: ['--schema', layout] });
      sandboxes[layout] = s;
      expect((await postOtlp(s.otlp, otlpBody(sent))).status).toBe(200);
      expect((await postOtlp(s.otlp, otlpBody(staging, 'billing-svc').replaceAll('"prod"', '"staging"'))).status).toBe(200);
    }),
  );
}, 120_000);
afterAll(async () => {
  await Promise.all(Object.values(sandboxes).map((s) => s.dispose()));
});

const sq = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const attr = (map: string, key: string) => `\`${map}\`[${sq(key)}]`;

/** [search, HyperDX's WHERE for it, 'same' | 'superset'] */
function cases(): [string, string, 'same' | 'superset'][] {
  const model = 'openai-main/gpt-4o';
  const convo = sent.find((r) => r.conversationId)!.conversationId;
  const trace = sent[3]!.traceId;
  return [
    [`SpanAttributes.tfy.request.model_name:"${model}"`, `${attr('SpanAttributes', 'tfy.request.model_name')} = ${sq(model)}`, 'same'],
    ['ServiceName:"tfy-llm-gateway"', "ServiceName = 'tfy-llm-gateway'", 'same'],
    ['StatusCode:Error', "StatusCode ILIKE '%Error%'", 'same'],
    ['Duration:>60000000000', 'Duration > 60000000000', 'same'],
    ['SpanAttributes.tfy.mcp_server.name:*', `notEmpty(${attr('SpanAttributes', 'tfy.mcp_server.name')}) = 1`, 'same'],
    ['ResourceAttributes.deployment.environment:"prod"', `${attr('ResourceAttributes', 'deployment.environment')} = 'prod'`, 'same'],
    ['Duration:{100000000 TO 500000000}', '(Duration > 100000000 AND Duration < 500000000)', 'same'],
    ['SpanAttributes.tfy.guardrail.result:("flag" OR "mutate")', `(${attr('SpanAttributes', 'tfy.guardrail.result')} ILIKE '%flag%' OR ${attr('SpanAttributes', 'tfy.guardrail.result')} ILIKE '%mutate%')`, 'same'],
    ['SpanName:(Model OR Guardrail)', "(SpanName ILIKE '%Model%' OR SpanName ILIKE '%Guardrail%')", 'same'],
    ['SpanName:Model', "SpanName ILIKE '%Model%'", 'same'],
    ['SpanName:"Model"', "SpanName = 'Model'", 'same'],
    ['-SpanName:Model', "SpanName NOT ILIKE '%Model%'", 'same'],
    ['SpanKind:Server', "SpanKind ILIKE '%Server%'", 'same'],
    ['SpanKind:"Client"', "SpanKind = 'Client'", 'same'],
    [`TraceId:${trace}`, `TraceId ILIKE '%${trace}%'`, 'same'],
    ['StatusCode:"Error"', "StatusCode = 'Error'", 'same'],
    ['-StatusCode:Error', "StatusCode NOT ILIKE '%Error%'", 'same'],
    ['Duration:[1000000000 TO 5000000000]', 'Duration BETWEEN 1000000000 AND 5000000000', 'same'],
    ['Duration:>=2000000000', 'Duration >= 2000000000', 'same'],
    ['Duration:<100000000', 'Duration < 100000000', 'same'],
    ['Duration:[* TO 100000000]', 'Duration <= 100000000', 'same'],
    ['SpanAttributes.tfy.request.created_by_subject:alice', `${attr('SpanAttributes', 'tfy.request.created_by_subject')} ILIKE '%alice%'`, 'same'],
    ['SpanAttributes.tfy.span_type:"MCP"', `${attr('SpanAttributes', 'tfy.span_type')} = 'MCP'`, 'same'],
    ['-SpanAttributes.tfy.mcp_server.name:*', `notEmpty(${attr('SpanAttributes', 'tfy.mcp_server.name')}) != 1`, 'same'],
    ['SpanAttributes.http.response.status_code:"429"', `${attr('SpanAttributes', 'http.response.status_code')} = '429'`, 'same'],
    ['SpanAttributes.tfy.mcp_server.is_tool_call_execution_error:"true"', `${attr('SpanAttributes', 'tfy.mcp_server.is_tool_call_execution_error')} = 'true'`, 'same'],
    ['SpanAttributes.tfy.model.name:gpt*', `${attr('SpanAttributes', 'tfy.model.name')} ILIKE '%gpt%'`, 'same'],
    ['SpanAttributes.tfy.model.name:(gpt*)', `lower(${attr('SpanAttributes', 'tfy.model.name')}) LIKE lower('gpt%')`, 'same'],
    ['ServiceName:tfy-llm-gateway AND StatusCode:Error', "ServiceName ILIKE '%tfy-llm-gateway%' AND StatusCode ILIKE '%Error%'", 'same'],
    ['SpanName:Model OR SpanName:Guardrail', "SpanName ILIKE '%Model%' OR SpanName ILIKE '%Guardrail%'", 'same'],
    ['NOT SpanName:Model', "NOT (SpanName ILIKE '%Model%')", 'same'],
    ['SpanName:Model && StatusCode:Error', "SpanName ILIKE '%Model%' AND StatusCode ILIKE '%Error%'", 'same'],
    ['SpanName:Guardrail || SpanName:Embedding', "SpanName ILIKE '%Guardrail%' OR SpanName ILIKE '%Embedding%'", 'same'],
    ['(SpanName:Model OR SpanName:Embedding) AND -StatusCode:Error', "(SpanName ILIKE '%Model%' OR SpanName ILIKE '%Embedding%') AND StatusCode NOT ILIKE '%Error%'", 'same'],
    ['ResourceAttributes.service.name:"billing-svc"', `${attr('ResourceAttributes', 'service.name')} = 'billing-svc'`, 'same'],
    ['ScopeName:"tfy-llm-gateway"', "ScopeName = 'tfy-llm-gateway'", 'same'],
    ['StatusMessage:429', "StatusMessage ILIKE '%429%'", 'same'],
    ['ParentSpanId:""', "ParentSpanId = ''", 'same'],
    [`SpanAttributes.tfy.request.conversation_id:"${convo}"`, `${attr('SpanAttributes', 'tfy.request.conversation_id')} = ${sq(convo)}`, 'same'],
    ['-SpanAttributes.tfy.guardrail.result:"pass" SpanName:Guardrail', `${attr('SpanAttributes', 'tfy.guardrail.result')} != 'pass' AND SpanName ILIKE '%Guardrail%'`, 'same'],
    ['SpanName:(*Call)', "lower(SpanName) LIKE lower('%Call')", 'same'],
    ['-SpanName:(Model Guardrail)', "NOT (SpanName ILIKE '%Model%' AND SpanName ILIKE '%Guardrail%')", 'same'],
    // HyperDX compares map values as strings ('1500' vs '900' alphabetically); we compare numbers: the SQL here is the numeric truth.
    ['SpanAttributes.tfy.model.metric.input_tokens:>1500', `toFloat64OrNull(${attr('SpanAttributes', 'tfy.model.metric.input_tokens')}) > 1500`, 'same'],
    // Mixed AND/OR as HyperDX's SQL has it: its serializer writes the chain flat, so AND binds tighter than OR.
    ['SpanName:Model AND StatusCode:Error OR SpanName:Guardrail', "(SpanName ILIKE '%Model%') AND (StatusCode ILIKE '%Error%') OR (SpanName ILIKE '%Guardrail%')", 'same'],
    ['SpanName:Model StatusCode:Error OR SpanName:Guardrail', "(SpanName ILIKE '%Model%') AND (StatusCode ILIKE '%Error%') OR (SpanName ILIKE '%Guardrail%')", 'same'],
    ['SpanName:Guardrail OR SpanName:Model StatusCode:Error', "(SpanName ILIKE '%Guardrail%') OR (SpanName ILIKE '%Model%') AND (StatusCode ILIKE '%Error%')", 'same'],
    ['SpanName:Model AND NOT StatusCode:Error OR SpanName:Guardrail', "(SpanName ILIKE '%Model%') AND NOT (StatusCode ILIKE '%Error%') OR (SpanName ILIKE '%Guardrail%')", 'same'],
    ['(SpanName:Model OR SpanName:Guardrail) StatusCode:Error', "((SpanName ILIKE '%Model%') OR (SpanName ILIKE '%Guardrail%')) AND (StatusCode ILIKE '%Error%')", 'same'],
    // Our short fields, against the HyperDX search a user would type for the same answer (its unquoted match is a part of the value).
    ['user:alice', `${attr('SpanAttributes', 'tfy.request.created_by_subject')} ILIKE '%alice%'`, 'same'],
    ['user:alice@acme.dev', `${attr('SpanAttributes', 'tfy.request.created_by_subject')} ILIKE '%alice@acme.dev%'`, 'same'],
    ['user:"user:alice@acme.dev"', `${attr('SpanAttributes', 'tfy.request.created_by_subject')} = 'user:alice@acme.dev'`, 'same'],
    ['model:*mini*', `${attr('SpanAttributes', 'tfy.request.model_name')} ILIKE '%mini%' OR ${attr('SpanAttributes', 'tfy.model.name')} ILIKE '%mini%'`, 'same'],
    ['model:gpt*', `${attr('SpanAttributes', 'tfy.request.model_name')} ILIKE '%gpt%' OR ${attr('SpanAttributes', 'tfy.model.name')} ILIKE '%gpt%'`, 'same'],
    ['tokens:>1000', `toFloat64OrZero(${attr('SpanAttributes', 'tfy.model.metric.input_tokens')}) + toFloat64OrZero(${attr('SpanAttributes', 'tfy.model.metric.output_tokens')}) > 1000`, 'same'],
    ['cost:>0.001', `toFloat64OrNull(${attr('SpanAttributes', 'tfy.model.metric.cost_in_usd')}) > 0.001`, 'same'],
    ['model:("gpt-4o")', `${attr('SpanAttributes', 'tfy.request.model_name')} ILIKE '%gpt-4o%' OR ${attr('SpanAttributes', 'tfy.model.name')} ILIKE '%gpt-4o%'`, 'same'],
    ['cost:*', `isNotNull(toFloat64OrNull(${attr('SpanAttributes', 'tfy.model.metric.cost_in_usd')}))`, 'same'],
    ['cost:[* TO *]', `isNotNull(toFloat64OrNull(${attr('SpanAttributes', 'tfy.model.metric.cost_in_usd')}))`, 'same'],
    ['ttft:>300ms', `toFloat64OrNull(${attr('SpanAttributes', 'tfy.model.metric.time_to_first_token_in_ms')}) > 300`, 'same'],
    ['Model', "hasToken(lower(SpanName), lower('Model'))", 'superset'],
    ['"Network Call"', "hasToken(lower(SpanName), lower('Network')) AND hasToken(lower(SpanName), lower('Call')) AND lower(SpanName) LIKE lower('%Network Call%')", 'superset'],
    ['Chat*', "lower(SpanName) LIKE lower('Chat%')", 'superset'],
    ['*Call', "lower(SpanName) LIKE lower('%Call')", 'superset'],
    ['guardrail OR embedding', "hasToken(lower(SpanName), lower('guardrail')) OR hasToken(lower(SpanName), lower('embedding'))", 'superset'],
  ];
}

async function hyperdxSpans(s: TestSandbox, where: string): Promise<string[]> {
  const client = createClient({ url: s.clickhouse, log: { level: ClickHouseLogLevel.OFF } });
  try {
    const rs = await client.query({
      query: `SELECT SpanId FROM otel_traces WHERE Timestamp >= fromUnixTimestamp64Milli(${window.fromMs}) AND Timestamp <= fromUnixTimestamp64Milli(${window.toMs}) AND (${where})`,
      format: 'JSONEachRow',
    });
    return ((await rs.json()) as { SpanId: string }[]).map((r) => r.SpanId).sort();
  } finally {
    await client.close();
  }
}

describe.each(LAYOUTS)('on the %s layout', (layout) => {
  it('reads a AND b OR c as HyperDX’s SQL does, not as its parse tree nests it', async () => {
    const s = sandboxes[layout]!;
    const query = 'SpanName:Model AND StatusCode:Error OR SpanName:Guardrail';
    const flat = await hyperdxSpans(s, "(SpanName ILIKE '%Model%' AND StatusCode ILIKE '%Error%') OR SpanName ILIKE '%Guardrail%'");
    const nested = await hyperdxSpans(s, "SpanName ILIKE '%Model%' AND (StatusCode ILIKE '%Error%' OR SpanName ILIKE '%Guardrail%')");
    expect(flat.length).not.toBe(nested.length);
    const ours = await searchSpans(sandboxLocation(s), { query, ...window, service: null, limit: 1000 });
    expect(ours.spans.map((x) => x.spanId).sort()).toEqual(flat);
  });

  it('finds what HyperDX finds for each of its query shapes', async () => {
    const s = sandboxes[layout]!;
    const all = cases();
    expect(all.length).toBeGreaterThanOrEqual(40);
    let nonEmpty = 0;
    for (const [query, hyperdx, relation] of all) {
      const theirs = await hyperdxSpans(s, hyperdx);
      const ours = await searchSpans(sandboxLocation(s), { query, ...window, service: null, limit: 1000 });
      expect(ours.truncated, query).toBe(false);
      const mine = ours.spans.map((x) => x.spanId).sort();
      if (theirs.length) nonEmpty++;
      if (relation === 'same') expect(mine, query).toEqual(theirs);
      else expect(theirs.filter((id) => !mine.includes(id)), `${query}: HyperDX finds spans we miss`).toEqual([]);
    }
    // A parity test on empty answers proves little: most queries must find something.
    expect(nonEmpty).toBeGreaterThanOrEqual(all.length - 3);
  }, 120_000);
});

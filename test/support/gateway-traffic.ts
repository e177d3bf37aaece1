/**
 * Traffic shaped like the TrueFoundry AI Gateway's, from its documented span tree and
 * attributes (shared/DESIGN.md, TrueFoundry's span-attribute docs) — written here with the
 * documented key strings, not the app's constants, so a test proves the app reads the world's
 * shape. Metrics sit on the Model span, as the gateway puts them. Each request also comes back
 * as the truth a summary must add up to, computed here, independently of any SQL.
 */
import { randomBytes } from 'node:crypto';
import { rngFrom as seeded } from './otlp-fuzz.js';

type Value = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
type Attrs = Record<string, string | number | boolean>;

export const GATEWAY_SERVICE = 'tfy-llm-gateway';

/** A seeded generator (the fuzz suite's), so a failing mix can be reproduced from its seed. */
export { seeded };

function value(v: string | number | boolean): Value {
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  return { stringValue: v };
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

export interface GenSpan {
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startMs: number;
  durationMs: number;
  error?: string;
  attributes: Attrs;
}

export interface GenRequest {
  traceId: string;
  kind: 'chat' | 'stream' | 'fallback' | 'ratelimit' | 'embedding' | 'mcp' | 'legacy' | 'mcp-tool-error';
  /** The model the caller asked for (tfy.request.model_name). */
  model: string;
  user: string;
  conversationId: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  failed: boolean;
  mcp: { server: string; tool: string; toolError: boolean } | null;
  startMs: number;
  spans: GenSpan[];
}

const MODELS = [
  { requested: 'openai-main/gpt-4o', called: 'gpt-4o', inCost: 2.5e-6, outCost: 10e-6 },
  { requested: 'openai-main/gpt-4o-mini', called: 'gpt-4o-mini', inCost: 0.15e-6, outCost: 0.6e-6 },
  { requested: 'anthropic-main/claude-sonnet-4', called: 'claude-sonnet-4', inCost: 3e-6, outCost: 15e-6 },
  { requested: 'bedrock/llama-3-70b', called: 'llama-3-70b', inCost: 0.99e-6, outCost: 0.99e-6 },
];
const USERS = ['user:alice@acme.dev', 'user:bob@acme.dev', 'virtualaccount:billing-bot', 'user:carol@acme.dev', 'team:search-svc'];
const MCP_SERVERS = [
  { server: 'github', tools: ['search_issues', 'create_pull_request', 'get_file'] },
  { server: 'slack', tools: ['post_message', 'list_channels'] },
  { server: 'postgres', tools: ['run_query'] },
];
const LONG_PROMPT = 'You are a careful assistant for the ACME support desk. Follow the policy exactly. '.repeat(60);

function messages(turn: number, convo: string, long: boolean): string {
  const history: { role: string; content: string }[] = [{ role: 'system', content: long ? LONG_PROMPT : 'You are a helpful assistant.' }];
  for (let i = 0; i < turn; i++) {
    history.push({ role: 'user', content: `Question ${i + 1} in ${convo}` }, { role: 'assistant', content: `Answer ${i + 1}` });
  }
  history.push({ role: 'user', content: `Question ${turn + 1} in ${convo}: what is the status of order #${1000 + turn}? <script>alert(1)</script>` });
  return JSON.stringify(history);
}

/** One request of a kind; `at` is its start (ms since epoch). */
export function gatewayRequest(kind: GenRequest['kind'], at: number, rnd: () => number, opts: { conversationId?: string; turn?: number; user?: string; model?: number } = {}): GenRequest {
  const m = MODELS[opts.model ?? Math.floor(rnd() * MODELS.length)]!;
  const user = opts.user ?? USERS[Math.floor(rnd() * USERS.length)]!;
  const conversationId = opts.conversationId ?? (kind === 'chat' || kind === 'stream' ? `conv-${hex(4)}` : '');
  const traceId = hex(16);
  const rootId = hex(8);
  const inTok = 50 + Math.floor(rnd() * 2000);
  const outTok = kind === 'embedding' ? 0 : 10 + Math.floor(rnd() * 800);
  const cost = Number((inTok * m.inCost + outTok * m.outCost).toFixed(9));
  const streaming = kind === 'stream';
  const total = streaming ? 60_000 + Math.floor(rnd() * 200_000) : (kind === 'fallback' ? 1_200 : 300) + Math.floor(rnd() * 4_000);
  const spans: GenSpan[] = [];
  const requestAttrs: Attrs = {
    'tfy.request.model_name': m.requested,
    'tfy.request.created_by_subject': user,
    'tfy.request.created_by_subject_teams': '["platform"]',
    'tfy.request.metadata': JSON.stringify({ app: 'support-desk', env: 'prod' }),
    'http.response.status_code': 200,
  };
  if (conversationId) requestAttrs['tfy.request.conversation_id'] = conversationId;
  const modelSpan = (start: number, dur: number, attrs: Attrs, error?: string): GenSpan => {
    const id = hex(8);
    spans.push({ spanId: hex(8), parentSpanId: id, name: 'Network Call', kind: 3, startMs: start + 2, durationMs: dur - 4, error, attributes: { 'http.request.method': 'POST', 'url.full': 'https://api.openai.com/v1/chat/completions', 'http.response.status_code': error ? 429 : 200 } });
    return { spanId: id, parentSpanId: rootId, name: 'Model', kind: 1, startMs: start, durationMs: dur, error, attributes: { 'tfy.span_type': 'Model', 'tfy.model.id': m.requested, 'tfy.model.name': m.called, 'tfy.model.fqn': `truefoundry:${m.requested}`, 'tfy.model.request_url': 'https://api.openai.com/v1/chat/completions', 'tfy.model.streaming': streaming, 'tfy.model.request_type': kind === 'embedding' ? 'embedding' : 'chat', ...attrs } };
  };
  const metrics = (i: number, o: number, c: number): Attrs => ({
    'tfy.model.metric.input_tokens': i,
    'tfy.model.metric.output_tokens': o,
    'tfy.model.metric.cost_in_usd': c,
    'tfy.model.metric.time_to_first_token_in_ms': 80 + Math.floor(rnd() * 900),
    'tfy.model.metric.latency_in_ms': total - 20,
    'tfy.model.metric.inter_token_latency_in_ms': 12.5,
  });
  let rootType = 'ChatCompletion';
  let rootName = 'ChatCompletion';
  let rootError: string | undefined;
  const rootExtra: Attrs = {};
  let mcp: GenRequest['mcp'] = null;
  let failed = false;
  let inputTokens = inTok;
  let outputTokens = outTok;
  let costUsd = cost;

  if (kind === 'mcp' || kind === 'mcp-tool-error') {
    const s = MCP_SERVERS[Math.floor(rnd() * MCP_SERVERS.length)]!;
    const tool = s.tools[Math.floor(rnd() * s.tools.length)]!;
    const toolError = kind === 'mcp-tool-error';
    mcp = { server: s.server, tool, toolError };
    rootType = 'MCP';
    rootName = 'MCP';
    delete requestAttrs['tfy.request.model_name']; // an MCP call asks for a tool, not a model
    Object.assign(rootExtra, {
      'tfy.model.request_type': 'MCPGateway',
      'tfy.mcp_server.id': `mcp-${s.server}`,
      'tfy.mcp_server.name': s.server,
      'tfy.mcp_server.server_name': s.server,
      'tfy.mcp_server.url': `https://mcp.acme.dev/${s.server}`,
      'tfy.mcp_server.fqn': `truefoundry:mcp:${s.server}`,
      'tfy.mcp_server.method': 'tools/call',
      'tfy.mcp_server.primitive_name': tool,
      'tfy.mcp_server.is_tool_call_execution_error': toolError,
      'tfy.mcp_server.metric.latency_in_ms': total - 5,
      'tfy.mcp_server.metric.number_of_tools': s.tools.length,
    });
    if (toolError) rootExtra['tfy.error_message'] = `tool ${tool} failed: permission denied`;
    inputTokens = 0;
    outputTokens = 0;
    costUsd = 0;
  } else if (kind === 'ratelimit') {
    rootError = 'Rate limit exceeded for openai-main';
    rootExtra['tfy.error_message'] = 'Rate limit exceeded: 429 from upstream';
    requestAttrs['http.response.status_code'] = 429;
    spans.push(modelSpan(at + 30, 120, { 'tfy.model.metric.input_tokens': inTok, 'tfy.model.metric.output_tokens': 0, 'tfy.model.metric.cost_in_usd': 0 }, 'upstream 429'));
    outputTokens = 0;
    costUsd = 0;
    failed = true;
  } else if (kind === 'fallback') {
    // The first call fails upstream; the gateway falls back and the second answers: two Model spans, both count.
    const firstIn = 40 + Math.floor(rnd() * 300);
    spans.push(modelSpan(at + 30, 400, { 'tfy.model.metric.input_tokens': firstIn, 'tfy.model.metric.output_tokens': 0, 'tfy.model.metric.cost_in_usd': 0 }, 'upstream 503'));
    spans.push(modelSpan(at + 450, total - 480, metrics(inTok, outTok, cost)));
    inputTokens = firstIn + inTok;
    failed = true; // a span failed, so the request counts as failed (the retry hid it from the caller)
  } else if (kind === 'embedding') {
    rootType = 'Embedding';
    rootName = 'Embedding';
    spans.push(modelSpan(at + 10, total - 20, metrics(inTok, 0, cost)));
  } else {
    spans.push(modelSpan(at + 40, total - 60, metrics(inTok, outTok, cost)));
    if (kind === 'legacy') Object.assign(rootExtra, metrics(inTok, outTok, cost)); // older gateways: metrics on the root too
  }
  if (rootType === 'ChatCompletion') {
    spans.push({ spanId: hex(8), parentSpanId: rootId, name: 'Guardrail', kind: 1, startMs: at + 5, durationMs: 25, attributes: { 'tfy.span_type': 'Guardrail', 'tfy.guardrail.name': 'pii-redaction', 'tfy.guardrail.fqn': 'truefoundry:guardrail:pii-redaction', 'tfy.guardrail.result': rnd() < 0.15 ? 'mutate' : rnd() < 0.1 ? 'flag' : 'pass', 'tfy.guardrail.metric.latency_in_ms': 20 } });
    rootExtra['tfy.input'] = messages(opts.turn ?? 0, conversationId || traceId, rnd() < 0.1);
    rootExtra['tfy.input_short_hand'] = `Question ${(opts.turn ?? 0) + 1}`;
    if (!rootError) rootExtra['tfy.output'] = JSON.stringify({ role: 'assistant', content: `Order #${1000 + (opts.turn ?? 0)} ships tomorrow.` });
  }
  spans.unshift({ spanId: rootId, parentSpanId: '', name: rootName, kind: 2, startMs: at, durationMs: total, error: rootError, attributes: { 'tfy.span_type': rootType, ...requestAttrs, ...rootExtra } });
  return { traceId, kind, model: mcp ? '' : m.requested, user, conversationId, inputTokens, outputTokens, costUsd, failed: failed || rootError !== undefined || mcp?.toolError === true, mcp, startMs: at, spans };
}

/** OTLP/JSON for some requests, as the gateway exports them (one resource, one scope). */
export function otlpBody(requests: GenRequest[], service = GATEWAY_SERVICE): string {
  const ns = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }, { key: 'deployment.environment', value: { stringValue: 'prod' } }] },
        scopeSpans: [
          {
            scope: { name: 'tfy-llm-gateway', version: '1.0' },
            spans: requests.flatMap((r) =>
              r.spans.map((s) => ({
                traceId: r.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId,
                name: s.name,
                kind: s.kind,
                startTimeUnixNano: ns(s.startMs),
                endTimeUnixNano: ns(s.startMs + s.durationMs),
                attributes: Object.entries(s.attributes).map(([key, v]) => ({ key, value: value(v) })),
                status: s.error ? { code: 2, message: s.error } : { code: 1 },
              })),
            ),
          },
        ],
      },
    ],
  });
}

/** A realistic mix: conversations of several turns, streaming calls, fallbacks, rate limits, embeddings, MCP tools. */
export function gatewayMix(count: number, seed: number, endMs = Date.now(), windowMs = 40 * 60_000): GenRequest[] {
  const rnd = seeded(seed);
  const out: GenRequest[] = [];
  const span = windowMs;
  while (out.length < count) {
    const at = endMs - span + Math.floor(rnd() * (span - 5 * 60_000));
    const x = rnd();
    if (x < 0.1) {
      const conversationId = `conv-${hex(4)}`;
      const user = USERS[Math.floor(rnd() * USERS.length)]!;
      const turns = 2 + Math.floor(rnd() * 4);
      for (let t = 0; t < turns && out.length < count; t++) out.push(gatewayRequest('chat', at + t * 20_000, rnd, { conversationId, turn: t, user, model: t % 2 }));
      continue;
    }
    const kind: GenRequest['kind'] = x < 0.45 ? 'chat' : x < 0.55 ? 'stream' : x < 0.62 ? 'fallback' : x < 0.7 ? 'ratelimit' : x < 0.78 ? 'embedding' : x < 0.88 ? 'mcp' : x < 0.92 ? 'mcp-tool-error' : 'legacy';
    out.push(gatewayRequest(kind, at, rnd));
  }
  return out;
}

/** The test trace against a sandbox, and every failure it explains, each produced for real. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckTarget } from '../../electron/core/setup/check-target.js';
import { TEST_MARKER_KEY, TEST_SERVICE_NAME } from '../../electron/core/test-trace/gateway-trace.js';
import { sendOtlpJson } from '../../electron/core/test-trace/otlp-sender.js';
import { OTLP_PROTOCOLS } from '../../electron/shared/profile-schema.js';
import { runTestTrace } from '../../electron/core/test-trace/test-trace-service.js';
import { selectRows } from '../support/otlp-http.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox;
let otelDb: TestSandbox;
const servers: Server[] = [];

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** A local HTTP server that answers every request with one status, body and headers. */
async function answering(status: number, body: string, headers: Record<string, string> = {}): Promise<string> {
  const port = await listen(createServer((_req: IncomingMessage, res: ServerResponse) => {
    _req.resume();
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  }));
  return `http://127.0.0.1:${port}/v1/traces`;
}

function target(over: Partial<CheckTarget>): CheckTarget {
  return { kind: 'remote', clickhouseUrl: sandbox.clickhouse, clickhouseUser: 'default', password: '', database: 'default', otlpEndpoint: sandbox.otlp, otlpToken: null, healthUrl: null, serviceName: 'tfy-llm-gateway', ...over };
}

const run = (over: Partial<CheckTarget>, extra: { landingTimeoutMs?: number; useGatewayServiceName?: boolean } = {}) =>
  runTestTrace({ target: target(over), profileId: 'p', profileName: 'P', useGatewayServiceName: extra.useGatewayServiceName ?? false, hyperdxUrl: 'https://hyperdx.example.com', landingTimeoutMs: extra.landingTimeoutMs });

beforeAll(async () => {
  [sandbox, otelDb] = await Promise.all([startTestSandbox(), startTestSandbox({ args: ['--database', 'otel'] })]);
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  await Promise.all([sandbox?.dispose(), otelDb?.dispose()]);
});

describe.each(OTLP_PROTOCOLS)('test trace over %s', (protocol) => {
  it('lands with the same rows whatever the protocol, and says how it was sent', async () => {
    const result = await run({ otlpProtocol: protocol, otlpGrpcEndpoint: `http://${sandbox.otlpGrpc}` });
    expect(result.ok, result.summary).toBe(true);
    expect(result.protocol).toBe(protocol);
    expect(result.stages[0]!.detail).toMatch(protocol === 'grpc' ? /^OTLP\/gRPC Export to 127\.0\.0\.1:\d+ answered OK \(0\)\.$/ : protocol === 'http/protobuf' ? /^OTLP\/HTTP \(protobuf\) POST \/v1\/traces answered 200\.$/ : /^OTLP\/HTTP \(JSON\) POST \/v1\/traces answered 200\.$/);
    const rows = await selectRows<{ SpanName: string; ParentSpanId: string; SpanAttributes: Record<string, string> }>(sandbox.clickhouse, 'SELECT SpanName, ParentSpanId, SpanAttributes FROM otel_traces WHERE TraceId = {t:String} ORDER BY Timestamp, SpanName', { t: result.traceId });
    expect(rows.map((r) => r.SpanName).sort()).toEqual(['ChatCompletion', 'Guardrail', 'Model', 'Network Call'].sort());
    const model = rows.find((r) => r.SpanName === 'Model')!;
    // The gateway's metrics sit on the Model span, typed as the spec maps them: ints as decimal text, doubles as Go formats them.
    expect(model.SpanAttributes).toMatchObject({ 'tfy.model.metric.input_tokens': '42', 'tfy.model.metric.output_tokens': '128', 'tfy.model.metric.cost_in_usd': '0.0000831', 'tfy.model.streaming': 'true' });
  });
});

describe('test trace against a sandbox', () => {
  it('lands, and every span reads back with its attributes, parent links and timings', async () => {
    const stagesSeen: string[] = [];
    const result = await runTestTrace({ target: target({}), profileId: 'p', profileName: 'P', useGatewayServiceName: false, hyperdxUrl: 'https://hyperdx.example.com/hdx/', hyperdxSourceId: 'traces-src' }, (r) =>
      stagesSeen.push(r.stages.map((s) => s.status).join(',')),
    );
    expect(result.ok).toBe(true);
    expect(result.stages.map((s) => [s.stage, s.status])).toEqual([['sent', 'passed'], ['accepted', 'passed'], ['queryable', 'passed']]);
    expect(stagesSeen[0]).toBe('passed,pending,pending'); // stages arrive as they complete
    expect(result.latencyMs).toBeGreaterThan(0);
    // HyperDX's own search URL (it ignores q): the traces source, the trace as a search around its time, and the trace opened.
    const link = new URL(result.hyperdxUrl!);
    expect(link.origin + link.pathname).toBe('https://hyperdx.example.com/hdx/search');
    expect(Object.fromEntries(link.searchParams)).toMatchObject({ source: 'traces-src', where: `TraceId:"${result.traceId}"`, whereLanguage: 'lucene', traceId: result.traceId });
    expect(link.searchParams.has('q')).toBe(false);
    expect(Number(link.searchParams.get('from'))).toBeLessThan(result.startedAt);
    expect(Number(link.searchParams.get('to'))).toBeGreaterThan(result.startedAt + result.latencyMs!);

    const rows = await selectRows<{ SpanId: string; ParentSpanId: string; SpanName: string; SpanKind: string; ServiceName: string; Duration: number; StatusCode: string; SpanAttributes: Record<string, string> }>(
      sandbox.clickhouse,
      'SELECT SpanId, ParentSpanId, SpanName, SpanKind, ServiceName, Duration, StatusCode, SpanAttributes FROM otel_traces WHERE TraceId = {t:String} ORDER BY Timestamp',
      { t: result.traceId },
    );
    expect(rows.map((r) => r.SpanName)).toEqual(['ChatCompletion', 'Guardrail', 'Model', 'Network Call']);
    const byName = Object.fromEntries(rows.map((r) => [r.SpanName, r]));
    expect(byName.ChatCompletion!.ParentSpanId).toBe('');
    expect(byName.Guardrail!.ParentSpanId).toBe(byName.ChatCompletion!.SpanId);
    expect(byName.Model!.ParentSpanId).toBe(byName.ChatCompletion!.SpanId);
    expect(byName['Network Call']!.ParentSpanId).toBe(byName.Model!.SpanId);
    expect(rows.every((r) => r.ServiceName === TEST_SERVICE_NAME && r.StatusCode === 'Ok')).toBe(true);
    expect(Number(byName.ChatCompletion!.Duration)).toBe(1_840_000_000);
    expect(byName.ChatCompletion!.SpanKind).toBe('Server');
    expect(byName['Network Call']!.SpanKind).toBe('Client');
    expect(byName.ChatCompletion!.SpanAttributes).toMatchObject({
      'tfy.span_type': 'ChatCompletion',
      'tfy.request.model_name': 'openai-main/gpt-4o-mini',
      'http.response.status_code': '200',
      [TEST_MARKER_KEY]: 'true',
    });
    // As the gateway does it: the metrics are on the Model span, and only there.
    expect(Object.keys(byName.ChatCompletion!.SpanAttributes).filter((k) => k.startsWith('tfy.model.metric.'))).toEqual([]);
    expect(byName.Model!.SpanAttributes).toMatchObject({
      'tfy.span_type': 'Model',
      'tfy.model.name': 'gpt-4o-mini',
      'tfy.model.metric.input_tokens': '42',
      'tfy.model.metric.output_tokens': '128',
      'tfy.model.metric.time_to_first_token_in_ms': '412',
      'tfy.model.metric.cost_in_usd': '0.0000831',
    });
    expect(result.spans).toHaveLength(4);
  });

  it('can use the gateway’s own service name', async () => {
    const result = await run({}, { useGatewayServiceName: true });
    expect(result.ok).toBe(true);
    expect(result.serviceName).toBe('tfy-llm-gateway');
  });

  it('says when the trace landed in another database than the profile reads', async () => {
    const result = await run({ clickhouseUrl: otelDb.clickhouse, otlpEndpoint: otelDb.otlp, database: 'default' }, { landingTimeoutMs: 1_000 });
    expect(result.ok).toBe(false);
    expect(result.stages[2]!.status).toBe('failed');
    expect(result.summary).toMatch(/no otel_traces table in default; it exists in otel|landed in otel\.otel_traces/);
    expect(result.fix).toMatch(/ClickHouse setup step/);
  });

  it('says when the collector accepted it but ClickHouse refuses the profile’s user', async () => {
    const locked = await startTestSandbox({ args: ['--clickhouse-password-env', 'CST_PW'], env: { CST_PW: 'secret' } });
    try {
      const result = await run({ clickhouseUrl: locked.clickhouse, otlpEndpoint: locked.otlp, password: 'wrong' }, { landingTimeoutMs: 1_000 });
      expect(result.summary).toMatch(/refuses this profile's user default/);
    } finally {
      await locked.dispose();
    }
  });
});

describe('test trace failures, explained', () => {
  it('a closed port', async () => {
    const result = await run({ otlpEndpoint: 'http://127.0.0.1:9/v1/traces' });
    expect(result.stages[0]!.status).toBe('failed');
    expect(result.summary).toMatch(/connection was refused/);
  });

  it('an unknown host', async () => {
    expect((await run({ otlpEndpoint: 'https://collector.invalid/v1/traces' })).summary).toMatch(/does not resolve/);
  });

  it('a self-signed TLS certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cst-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    const tls = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('{}'));
    const port = await listen(tls as unknown as Server);
    const result = await run({ otlpEndpoint: `https://127.0.0.1:${port}/v1/traces` });
    expect(result.summary).toMatch(/self-signed or untrusted TLS certificate/);
    expect(result.fix).toMatch(/certificate from a public CA/);
  });

  it.each([
    [401, '{"code":16,"message":"unauthenticated"}', /requires a token/],
    [403, '{}', /requires a token/],
    [404, '404 page not found', /was not found on the collector \(404\)/],
    [413, '{}', /too large \(413\)/],
    [415, '{}', /content type application\/json \(415\)/],
    [400, '{"code":3,"message":"resourceSpans[0]: expected an object"}', /malformed \(400\): resourceSpans\[0\]: expected an object/],
    [500, 'boom', /answered 500: boom/],
  ])('a collector answering %i', async (status, body, message) => {
    const result = await run({ otlpEndpoint: await answering(status, body) });
    expect(result.ok).toBe(false);
    expect(result.stages[1]!.status).toBe('failed');
    expect(result.summary).toMatch(message);
  });

  it('a 200 with rejected spans (partial success)', async () => {
    const result = await run({ otlpEndpoint: await answering(200, '{"partialSuccess":{"rejectedSpans":"2","errorMessage":"span name too long"}}') });
    expect(result.summary).toMatch(/rejected 2 span\(s\): span name too long/);
  });

  it('503 with Retry-After is retried after the time it asks for, then reported', async () => {
    const url = await answering(503, '{}', { 'retry-after': '1' });
    const t0 = Date.now();
    const outcome = await sendOtlpJson(url, '{}', null);
    expect(outcome.attempts).toBe(4);
    expect(outcome.retriedAfterMs).toEqual([1000, 1000, 1000]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2900);
    expect(outcome.summary).toBe('The collector is overloaded or not ready (503), after 3 retries honouring Retry-After.');
  }, 20_000);

  it('429 then 200 succeeds on the retry', async () => {
    let calls = 0;
    const port = await listen(createServer((req, res) => {
      req.resume();
      calls++;
      if (calls === 1) {
        res.writeHead(429, { 'retry-after': '0' });
        return void res.end();
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"partialSuccess":{}}');
    }));
    const outcome = await sendOtlpJson(`http://127.0.0.1:${port}/v1/traces`, '{}', null);
    expect(outcome.ok).toBe(true);
    expect(outcome.attempts).toBe(2);
  });

  it('a hanging collector times out', async () => {
    const port = await listen(createServer(() => undefined));
    const result = await run({ otlpEndpoint: `http://127.0.0.1:${port}/v1/traces` });
    expect(result.summary).toMatch(/did not answer in time/);
  }, 20_000);
});

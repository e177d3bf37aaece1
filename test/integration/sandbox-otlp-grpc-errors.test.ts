/**
 * Bad OTLP/gRPC input against the sandbox's gRPC receiver: each gets the status the collector's
 * otlpreceiver gives, nothing is stored, and a good call still works after all of it. Status
 * details are read with the independent wire reader, not the app's codec.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFields, encode } from '../support/proto-wire.js';
import { toProto, type RequestModel } from '../support/otlp-fuzz.js';
import { exportRaw } from '../support/otlp-grpc.js';
import { countRows, hexId } from '../support/otlp-http.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const TOKEN = 'grpc-tok-789';
const AUTH = { authorization: TOKEN };
let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ args: ['--auth-token-env', 'CST_TEST_OTLP_TOKEN'], env: { CST_TEST_OTLP_TOKEN: TOKEN } });
});
afterAll(async () => {
  await sandbox?.dispose();
});

function request(service: string, spans = 2, breakIds = 0): Buffer {
  const now = BigInt(Date.now()) * 1_000_000n;
  const model: RequestModel = {
    resources: [{ service, spans: Array.from({ length: spans }, (_, i) => ({ traceId: hexId(16), spanId: i < breakIds ? '' : hexId(8), parentSpanId: '', name: 'ChatCompletion', kind: 2, start: now, end: now + 5_000_000n, attrs: [['tfy.span_type', { s: 'ChatCompletion' }]], status: 0 })) }],
  };
  return encode(toProto(model));
}

async function sql(query: string): Promise<string> {
  const res = await fetch(sandbox.clickhouse, { method: 'POST', body: query });
  if (!res.ok) throw new Error(`ClickHouse said ${res.status}: ${await res.text()}`);
  return (await res.text()).trim();
}

/** ExportTraceServiceResponse.partial_success.rejected_spans, or 0. */
function rejectedSpans(response: Buffer | null): number {
  const partial = response ? decodeFields(response).get(1)?.[0] : undefined;
  const rejected = partial instanceof Buffer ? decodeFields(partial).get(1)?.[0] : undefined;
  return typeof rejected === 'bigint' ? Number(rejected) : 0;
}

describe('the sandbox OTLP/gRPC receiver refuses bad input', () => {
  it('stores a good call with the token, gzip-compressed too, and answers OK', async () => {
    const before = await countRows(sandbox.clickhouse);
    expect((await exportRaw(sandbox.otlpGrpc, request('grpc-ok'), { metadata: AUTH })).code).toBe(grpc.status.OK);
    expect((await exportRaw(sandbox.otlpGrpc, request('grpc-ok'), { metadata: AUTH, gzip: true })).code).toBe(grpc.status.OK);
    expect(await countRows(sandbox.clickhouse)).toBe(before + 4);
  });

  it('answers a missing, wrong or "Bearer"-prefixed token with Unauthenticated', async () => {
    const before = await countRows(sandbox.clickhouse);
    for (const metadata of [{}, { authorization: 'nope' }, { authorization: `Bearer ${TOKEN}` }] as Record<string, string>[]) {
      const answer = await exportRaw(sandbox.otlpGrpc, request('grpc-noauth'), { metadata });
      expect(answer.code, JSON.stringify(metadata)).toBe(grpc.status.UNAUTHENTICATED);
    }
    expect(await countRows(sandbox.clickhouse)).toBe(before);
  });

  const bad: [string, () => Buffer, grpc.status, RegExp][] = [
    ['garbage bytes', () => Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), grpc.status.INTERNAL, /unmarshalling request/],
    ['random bytes', () => Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 131 + 7) % 256)), grpc.status.INTERNAL, /unmarshalling request/],
    // An ExportMetricsServiceRequest: the same outer shape, but a metric's name lands where a span's trace id goes.
    ['a metrics request sent to the trace service', () => encode([{ n: 1, t: 'msg', v: [{ n: 2, t: 'msg', v: [{ n: 2, t: 'msg', v: [{ n: 1, t: 'bytes', v: Buffer.from('http.server.duration') }] }] }] }]), grpc.status.INTERNAL, /trace_id/],
  ];
  it.each(bad)('answers %s with the collector’s status and stores nothing', async (_label, body, code, message) => {
    const before = await countRows(sandbox.clickhouse);
    const answer = await exportRaw(sandbox.otlpGrpc, body(), { metadata: AUTH });
    expect(answer.code).toBe(code);
    expect(answer.details).toMatch(message);
    expect(await countRows(sandbox.clickhouse)).toBe(before);
  });

  it('answers another service or method with Unimplemented', async () => {
    const answer = await exportRaw(sandbox.otlpGrpc, request('grpc-metrics'), { metadata: AUTH, path: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export' });
    expect(answer.code).toBe(grpc.status.UNIMPLEMENTED);
  });

  it('answers a message over 4 MiB (the collector’s default) with ResourceExhausted, compressed or not', async () => {
    const before = await countRows(sandbox.clickhouse);
    const huge = Buffer.concat([request('grpc-huge'), encode([{ n: 2, t: 'bytes', v: Buffer.alloc(5 * 1024 * 1024, 0x61) }])]);
    expect((await exportRaw(sandbox.otlpGrpc, huge, { metadata: AUTH })).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect((await exportRaw(sandbox.otlpGrpc, huge, { metadata: AUTH, gzip: true })).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(await countRows(sandbox.clickhouse)).toBe(before);
  });

  it('refuses a call that carries a web page’s origin, and a name other than loopback', async () => {
    const before = await countRows(sandbox.clickhouse);
    const fromPage = await exportRaw(sandbox.otlpGrpc, request('grpc-page'), { metadata: { ...AUTH, origin: 'https://evil.example' } });
    expect(fromPage.code).toBe(grpc.status.PERMISSION_DENIED);
    const port = sandbox.otlpGrpc.split(':')[1]!;
    const rebound = await exportRaw(`127.0.0.1:${port}`, request('grpc-rebound'), { metadata: AUTH, authority: `evil.example:${port}` });
    expect(rebound.code).toBe(grpc.status.PERMISSION_DENIED);
    // A page's fetch speaks HTTP/1.1, which the HTTP/2 server does not answer with anything a page can use.
    const page = await fetch(`http://${sandbox.otlpGrpc}${'/opentelemetry.proto.collector.trace.v1.TraceService/Export'}`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/grpc' }, body: request('grpc-fetch') }).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(page).not.toBe(200);
    expect(await countRows(sandbox.clickhouse)).toBe(before);
  });

  it('answers spans with broken ids with OK and partial_success, storing the rest', async () => {
    const before = await countRows(sandbox.clickhouse);
    const answer = await exportRaw(sandbox.otlpGrpc, request('grpc-partial', 5, 2), { metadata: AUTH });
    expect(answer.code).toBe(grpc.status.OK);
    expect(rejectedSpans(answer.response)).toBe(2);
    expect(await countRows(sandbox.clickhouse)).toBe(before + 3);
  });

  it('answers Unavailable with a RetryInfo of 5 s while the table cannot take writes, and stores once it can', async () => {
    await sql('DETACH TABLE otel_traces');
    try {
      const answer = await exportRaw(sandbox.otlpGrpc, request('grpc-retry'), { metadata: AUTH });
      expect(answer.code).toBe(grpc.status.UNAVAILABLE);
      const [details] = answer.trailers?.get('grpc-status-details-bin') ?? [];
      expect(details).toBeInstanceOf(Buffer);
      const status = decodeFields(details as Buffer);
      expect(Number(status.get(1)?.[0])).toBe(grpc.status.UNAVAILABLE);
      const any = decodeFields(status.get(3)![0] as Buffer);
      expect((any.get(1)![0] as Buffer).toString()).toBe('type.googleapis.com/google.rpc.RetryInfo');
      const delay = decodeFields(decodeFields(any.get(2)![0] as Buffer).get(1)![0] as Buffer);
      expect(Number(delay.get(1)?.[0])).toBe(5);
    } finally {
      await sql('ATTACH TABLE otel_traces');
    }
    const before = await countRows(sandbox.clickhouse);
    expect((await exportRaw(sandbox.otlpGrpc, request('grpc-retry'), { metadata: AUTH })).code).toBe(grpc.status.OK);
    expect(await countRows(sandbox.clickhouse)).toBe(before + 2);
  });
});

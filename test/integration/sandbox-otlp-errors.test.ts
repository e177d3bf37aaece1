/** Malformed and unauthorised OTLP requests: the right status, no partial rows, no crash. */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';
import { countRows, hexId, jsonTraceRequest, nowNanos, postOtlp, selectRows } from '../support/otlp-http.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ args: ['--auth-token-env', 'CST_TEST_OTLP_TOKEN'], env: { CST_TEST_OTLP_TOKEN: 'tok-123' } });
});
afterAll(async () => {
  await sandbox?.dispose();
});

const JSON_HEADERS = { 'content-type': 'application/json', authorization: 'tok-123' };

function spanJson(overrides: Record<string, unknown>) {
  return JSON.stringify({
    resourceSpans: [{ resource: {}, scopeSpans: [{ spans: [{ traceId: hexId(16), spanId: hexId(8), name: 'x', startTimeUnixNano: nowNanos(), endTimeUnixNano: nowNanos(1), ...overrides }] }] }],
  });
}

describe('OTLP receiver error handling', () => {
  it('accepts a valid request with the token and answers {"partialSuccess":{}}', async () => {
    const response = await postOtlp(sandbox.otlp, jsonTraceRequest([{ service: 'ok-svc' }]), JSON_HEADERS);
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ partialSuccess: {} });
  });

  it('refuses a missing or wrong token with 401, as ClickStack’s collector does (no "Bearer")', async () => {
    expect((await postOtlp(sandbox.otlp, jsonTraceRequest([{}]), { 'content-type': 'application/json' })).status).toBe(401);
    expect((await postOtlp(sandbox.otlp, jsonTraceRequest([{}]), { 'content-type': 'application/json', authorization: 'Bearer tok-123' })).status).toBe(401);
  });

  const malformed: [string, string | Buffer, Record<string, string>, number, RegExp][] = [
    ['truncated JSON', '{"resourceSpans":[{"scopeSpans":[', JSON_HEADERS, 400, /not valid JSON/],
    ['a JSON array', '[]', JSON_HEADERS, 400, /JSON object/],
    ['wrong types', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 42 }] }] }] }), JSON_HEADERS, 400, /name/],
    ['a bad hex traceId', spanJson({ traceId: 'zz'.repeat(16) }), JSON_HEADERS, 400, /traceId must be 32 hex/],
    ['a short spanId', spanJson({ spanId: 'abcd' }), JSON_HEADERS, 400, /spanId must be 16 hex/],
    ['a non-integer time', spanJson({ startTimeUnixNano: '12.5' }), JSON_HEADERS, 400, /startTimeUnixNano/],
    ['bad gzip', Buffer.from('not gzip at all'), { ...JSON_HEADERS, 'content-encoding': 'gzip' }, 400, /not valid gzip/],
    ['an unknown encoding', Buffer.from('x'), { ...JSON_HEADERS, 'content-encoding': 'snappy' }, 415, /Content-Encoding/],
    ['a wrong content type', jsonTraceRequest([{}]), { 'content-type': 'text/plain', authorization: 'tok-123' }, 415, /unsupported media type/],
    ['garbage protobuf', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), { 'content-type': 'application/x-protobuf', authorization: 'tok-123' }, 400, /ExportTraceServiceRequest/],
  ];

  it.each(malformed)('answers %s with the right status and writes nothing', async (_label, body, headers, status, message) => {
    const before = await countRows(sandbox.clickhouse);
    const response = await postOtlp(sandbox.otlp, body, headers);
    expect(response.status).toBe(status);
    if (headers['content-type'] === 'application/x-protobuf') expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    else expect((response.json() as { message: string }).message).toMatch(message);
    expect(await countRows(sandbox.clickhouse)).toBe(before);
  });

  it('refuses an oversize body with 413, also when it only grows once decompressed', async () => {
    const huge = Buffer.alloc(21 * 1024 * 1024, 0x20);
    expect((await postOtlp(sandbox.otlp, huge, JSON_HEADERS)).status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    expect((await postOtlp(sandbox.otlp, bomb, { ...JSON_HEADERS, 'content-encoding': 'gzip' })).status).toBe(413);
  });

  it('accepts gzip-compressed bodies', async () => {
    const traceId = hexId(16);
    const response = await postOtlp(sandbox.otlp, gzipSync(jsonTraceRequest([{ traceId, service: 'gz-svc' }])), { ...JSON_HEADERS, 'content-encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(await selectRows(sandbox.clickhouse, 'SELECT SpanName FROM otel_traces WHERE TraceId = {t:String}', { t: traceId })).toEqual([{ SpanName: 'op' }]);
  });

  it('stores the valid spans and reports the invalid ones as a partial success', async () => {
    const good = hexId(16);
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'partial-svc' } }] },
          scopeSpans: [
            {
              spans: [
                { traceId: good, spanId: hexId(8), name: 'good', startTimeUnixNano: nowNanos(), endTimeUnixNano: nowNanos(3) },
                { traceId: '0'.repeat(32), spanId: hexId(8), name: 'zero-trace', startTimeUnixNano: nowNanos(), endTimeUnixNano: nowNanos(3) },
                { traceId: good, spanId: hexId(8), name: 'backwards', startTimeUnixNano: nowNanos(10), endTimeUnixNano: nowNanos(0) },
              ],
            },
          ],
        },
      ],
    });
    const response = await postOtlp(sandbox.otlp, body, JSON_HEADERS);
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ partialSuccess: { rejectedSpans: '2', errorMessage: expect.stringContaining('all-zero traceId') } });
    expect(await selectRows(sandbox.clickhouse, "SELECT SpanName FROM otel_traces WHERE ServiceName = 'partial-svc'")).toEqual([{ SpanName: 'good' }]);
  });

  it('serves only POST /v1/traces', async () => {
    expect((await fetch(sandbox.otlp, { method: 'GET' })).status).toBe(405);
    expect((await postOtlp(sandbox.otlp.replace('/v1/traces', '/v1/logs'), '{}', JSON_HEADERS)).status).toBe(404);
  });

  it('answers health checks like the collector’s health_check extension', async () => {
    const response = await fetch(sandbox.health);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'Server available' });
  });

  it('keeps running after all of the above, and keeps its data across a restart', async () => {
    const traceId = hexId(16);
    expect((await postOtlp(sandbox.otlp, jsonTraceRequest([{ traceId, service: 'persist-svc' }]), JSON_HEADERS)).status).toBe(200);
    const before = await countRows(sandbox.clickhouse);
    await sandbox.stop();
    const again = await startTestSandbox({ dataDir: sandbox.dataDir });
    try {
      expect(await countRows(again.clickhouse)).toBe(before);
      expect(await selectRows(again.clickhouse, 'SELECT ServiceName FROM otel_traces WHERE TraceId = {t:String}', { t: traceId })).toEqual([{ ServiceName: 'persist-svc' }]);
    } finally {
      await again.stop();
    }
  });
});

/**
 * The real OpenTelemetry JS SDK sends to the sandbox over OTLP/HTTP (JSON and protobuf) and
 * OTLP/gRPC (plain and gzip-compressed);
 * the rows read back with @clickhouse/client must follow the ClickHouse exporter's rules.
 * Expected values are written out by hand from those rules, not computed by our code.
 */
import { SpanKind, SpanStatusCode, type Link } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';
import { postOtlp, selectRows } from '../support/otlp-http.js';
import type { TraceRow } from '../../electron/sandbox/otlp/span-rows.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.dispose();
});

/** The row shape our receiver writes; Duration comes back as a JSON number or a quoted string. */
type Row = Omit<TraceRow, 'Duration'> & { Duration: number | string };

const COLUMNS = `Timestamp, TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, ResourceAttributes,
  ScopeName, ScopeVersion, SpanAttributes, Duration, StatusCode, StatusMessage, Events.Timestamp, Events.Name,
  Events.Attributes, Links.TraceId, Links.SpanId, Links.TraceState, Links.Attributes`;

/** HrTime [s, ns] to the DateTime64(9) text ClickHouse returns. */
function hrToText([s, ns]: [number, number]): string {
  const iso = new Date(s * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(ns).padStart(9, '0')}`;
}

async function sendWith(exporter: SpanExporter, service: string) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'test', 'host.cpus': 8 }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('cst-scope', '2.5.0');
  const link: Link = { context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 }, attributes: { 'link.kind': 'retry' } };
  const root = tracer.startSpan('ChatCompletion', { kind: SpanKind.SERVER, links: [link] });
  root.setAttributes({
    'tfy.span_type': 'ChatCompletion',
    'tfy.request.model_name': 'openai-main/gpt-4o',
    'tfy.model.metric.input_tokens': 1200,
    'tfy.model.metric.cost_in_usd': 0.0125,
    'tfy.model.streaming': true,
    'gen_ai.tags': ['a', 'b<c>'],
    'tiny.ratio': 0.0000001,
  });
  root.addEvent('first_token', { 'ttft.ms': 312 });
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream 429' });
  const ctx = (await import('@opentelemetry/api')).trace.setSpan((await import('@opentelemetry/api')).context.active(), root);
  const child = tracer.startSpan('Model', { kind: SpanKind.CLIENT }, ctx);
  child.setStatus({ code: SpanStatusCode.OK });
  child.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return { root, child };
}

describe.each([
  ['OTLP/JSON', (s: TestSandbox) => new JsonExporter({ url: s.otlp })],
  ['OTLP/protobuf', (s: TestSandbox) => new ProtoExporter({ url: s.otlp })],
  ['OTLP/gRPC', (s: TestSandbox) => new GrpcExporter({ url: `http://${s.otlpGrpc}` })],
  ['OTLP/gRPC with gzip', (s: TestSandbox) => new GrpcExporter({ url: `http://${s.otlpGrpc}`, compression: CompressionAlgorithm.GZIP })],
])('spans from the OpenTelemetry JS SDK over %s', (label, makeExporter) => {
  it('become rows exactly as the ClickHouse exporter writes them', async () => {
    const service = `sdk-${label.replace(/\W+/g, '-').toLowerCase()}`;
    const { root, child } = await sendWith(makeExporter(sandbox), service);
    const rows = await selectRows<Row>(sandbox.clickhouse, `SELECT ${COLUMNS} FROM otel_traces WHERE ServiceName = {s:String} ORDER BY SpanName`, { s: service });
    expect(rows.map((r) => r.SpanName)).toEqual(['ChatCompletion', 'Model']);
    const [rootRow, childRow] = rows as [Row, Row];
    const rootCtx = root.spanContext();

    expect(rootRow).toEqual({
      Timestamp: hrToText((root as unknown as { startTime: [number, number] }).startTime),
      TraceId: rootCtx.traceId,
      SpanId: rootCtx.spanId,
      ParentSpanId: '',
      TraceState: '',
      SpanName: 'ChatCompletion',
      SpanKind: 'Server',
      ServiceName: service,
      ResourceAttributes: expect.objectContaining({ 'service.name': service, 'deployment.environment': 'test', 'host.cpus': '8' }),
      ScopeName: 'cst-scope',
      ScopeVersion: '2.5.0',
      SpanAttributes: {
        'tfy.span_type': 'ChatCompletion',
        'tfy.request.model_name': 'openai-main/gpt-4o',
        'tfy.model.metric.input_tokens': '1200',
        'tfy.model.metric.cost_in_usd': '0.0125',
        'tfy.model.streaming': 'true',
        // Slices become JSON as Go's encoding/json writes it: HTML characters escaped.
        'gen_ai.tags': '["a","b\\u003cc\\u003e"]',
        // strconv.FormatFloat(f, 'f', -1, 64): no exponent.
        'tiny.ratio': '0.0000001',
      },
      Duration: expect.anything(),
      StatusCode: 'Error',
      StatusMessage: 'upstream 429',
      'Events.Timestamp': [expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}$/)],
      'Events.Name': ['first_token'],
      'Events.Attributes': [{ 'ttft.ms': '312' }],
      'Links.TraceId': ['0af7651916cd43dd8448eb211c80319c'],
      'Links.SpanId': ['b7ad6b7169203331'],
      'Links.TraceState': [''],
      'Links.Attributes': [{ 'link.kind': 'retry' }],
    });
    const [ds, dns] = (root as unknown as { duration: [number, number] }).duration;
    expect(BigInt(rootRow.Duration)).toBe(BigInt(ds) * 1_000_000_000n + BigInt(dns));

    expect(childRow.ParentSpanId).toBe(rootCtx.spanId);
    expect(childRow.TraceId).toBe(rootCtx.traceId);
    expect(childRow.SpanId).toBe(child.spanContext().spanId);
    expect(childRow.SpanKind).toBe('Client');
    expect(childRow.StatusCode).toBe('Ok');
    expect(childRow['Events.Name']).toEqual([]);
  });
});

describe('the OTLP spec example', () => {
  // Its timestamps are from 2018: ClickStack's 720 h TTL could drop them between insert and read,
  // so this runs against the upstream exporter's schema, which has no TTL (and Nested Events/Links).
  let exporterSchema: TestSandbox;
  beforeAll(async () => {
    exporterSchema = await startTestSandbox({ args: ['--schema', 'exporter'] });
  });
  afterAll(async () => {
    await exporterSchema?.dispose();
  });

  it('examples/trace.json from opentelemetry-proto is accepted and stored', async () => {
    const body = readFileSync('test/fixtures/otlp-example-trace.json');
    const response = await postOtlp(exporterSchema.otlp, body);
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ partialSuccess: {} });
    const rows = await selectRows<Row>(exporterSchema.clickhouse, `SELECT ${COLUMNS} FROM otel_traces WHERE ServiceName = 'my.service'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      Timestamp: '2018-12-13 14:51:00.000000000',
      TraceId: '5b8efff798038103d269b633813fc60c',
      SpanId: 'eee19b7ec3c1b174',
      ParentSpanId: 'eee19b7ec3c1b173',
      SpanName: "I'm a server span",
      SpanKind: 'Server',
      ScopeName: 'my.library',
      ScopeVersion: '1.0.0',
      SpanAttributes: { 'my.span.attr': 'some value' },
      StatusCode: 'Unset',
    });
    expect(Number(rows[0]!.Duration)).toBe(1_000_000_000);
  });
});

/**
 * The app against the real OpenTelemetry Collector (OTLP receiver, memory_limiter, batch 5 s,
 * health_check, bearertokenauth, ClickHouse exporter) writing into a sandbox: health, the test
 * trace with its batching delay, the collector's own refusals explained, and the exporter's
 * rows compared field by field with our receiver's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodOutput } from '../../electron/shared/contract.js';
import { composeCore, type ComposedCore } from '../../electron/core/compose-core.js';
import { openConfFile } from '../../electron/core/profiles/conf-file.js';
import { explainOtlpStatus } from '../../electron/core/otlp/explain-http.js';
import { collectorBinary, startCollector, type RunningCollector } from '../support/collector.js';
import { hexId } from '../support/otlp-http.js';
import { exportRaw } from '../support/otlp-grpc.js';
import { jsonRequestToProto } from '../../electron/core/otlp/otlp-proto.js';
import * as grpc from '@grpc/grpc-js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const binary = collectorBinary();
if ('missing' in binary) console.log(`real collector tests skipped: ${binary.missing}`);
const collectorPath = 'missing' in binary ? '' : binary.path;
const TOKEN = `otlp-${randomUUID()}`;

let sandbox: TestSandbox;
let collector: RunningCollector;
let home: string;
let composed: ComposedCore;
let profileId: string;

async function sql(query: string): Promise<string> {
  const res = await fetch(sandbox.clickhouse, { method: 'POST', body: query });
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse said ${res.status}: ${text}`);
  return text;
}

describe.skipIf('missing' in binary)('the real OpenTelemetry Collector', () => {
  beforeAll(async () => {
    if ('missing' in binary) return;
    sandbox = await startTestSandbox();
    // The exporter's defaults, as a stock collector runs: LZ4 blocks, and its CREATE … IF NOT EXISTS at start.
    collector = await startCollector(collectorPath, { clickhouse: { url: sandbox.clickhouse, database: 'default' }, token: TOKEN, createSchema: true });
    home = mkdtempSync(join(tmpdir(), 'cst-realcol-'));
    composed = composeCore({ transport: 'web', version: '0.0.0', dataDir: home, sandbox: null, openSettingsFile: openConfFile, keychainService: `clickstack-tray-test-${randomUUID()}` });
    await composed.core.start();
    const created = (await composed.core.call('profiles.create', { fields: { name: 'Real collector', otlpEndpoint: collector.otlp, healthUrl: collector.health, clickhouseUrl: sandbox.clickhouse } })) as { id: string };
    profileId = created.id;
    await composed.core.call('secrets.set', { profileId, kind: 'otlpToken', value: TOKEN });
    expect(await composed.core.call('setup.runStep', { profileId, step: 'clickhouse' })).toMatchObject({ status: 'passed' });
  }, 120_000);

  afterAll(async () => {
    await composed?.core.stop();
    await collector?.stop();
    await sandbox?.dispose();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('passes the collector and OTLP steps against it', async () => {
    const collectorStep = (await composed.core.call('setup.runStep', { profileId, step: 'collector' })) as { status: string; summary: string };
    expect(collectorStep.status, collectorStep.summary).toBe('passed');
    const otlpStep = (await composed.core.call('setup.runStep', { profileId, step: 'otlp' })) as { status: string; summary: string };
    expect(otlpStep.status, otlpStep.summary).toBe('passed');
  });

  it('sends a test trace through it that lands in ClickHouse after the batch delay', async () => {
    const result = (await composed.core.call('testTrace.run', { profileId, useGatewayServiceName: true })) as MethodOutput<'testTrace.run'>;
    expect(result.ok, result.summary).toBe(true);
    expect(result.stages.every((s) => s.status === 'passed')).toBe(true);
    // The batch processor holds spans up to 5 s: a 200 is not "queryable", and the app waited for the rows.
    expect(result.latencyMs!).toBeGreaterThanOrEqual(3_000);
    expect(result.summary).toMatch(/\d/);
    const rows = await sql(`SELECT count() FROM otel_traces WHERE TraceId = '${result.traceId}'`);
    expect(Number(rows)).toBe(result.spans.length);
    console.log(`real collector: test trace queryable after ${result.latencyMs} ms (batch timeout 5 s)`);
  }, 90_000);

  it('has its refusals explained: wrong token, wrong path, wrong content type', async () => {
    const send = async (url: string, headers: Record<string, string>) => {
      const res = await fetch(url, { method: 'POST', headers, body: '{"resourceSpans":[]}' });
      return { status: res.status, body: await res.text() };
    };
    const wrongToken = await send(collector.otlp, { 'content-type': 'application/json', authorization: `${TOKEN}-wrong` });
    expect(wrongToken.status).toBe(401);
    expect(explainOtlpStatus(wrongToken.status, wrongToken.body, collector.otlp, true).summary).toContain('the OTLP token does not match');
    const noToken = await send(collector.otlp, { 'content-type': 'application/json' });
    expect(explainOtlpStatus(noToken.status, noToken.body, collector.otlp, false).summary).toContain('it requires a token');

    const wrongPath = collector.otlp.replace('/v1/traces', '/v1/trace');
    const path = await send(wrongPath, { 'content-type': 'application/json', authorization: TOKEN });
    expect(path.status).toBe(404);
    expect(explainOtlpStatus(path.status, path.body, wrongPath, true)).toMatchObject({ ok: false, fix: expect.stringContaining('/v1/traces') });

    const type = await send(collector.otlp, { 'content-type': 'text/plain', authorization: TOKEN });
    expect(type.status).toBe(415);
    expect(explainOtlpStatus(type.status, type.body, collector.otlp, true).fix).toContain('application/json');

    // And through the app itself: the OTLP step with a wrong token stored.
    await composed.core.call('secrets.set', { profileId, kind: 'otlpToken', value: `${TOKEN}-typo` });
    const step = (await composed.core.call('setup.runStep', { profileId, step: 'otlp' })) as { status: string; summary: string; fix: string };
    expect(step).toMatchObject({ status: 'failed' });
    expect(step.summary).toContain('401');
    await composed.core.call('secrets.set', { profileId, kind: 'otlpToken', value: TOKEN });
  });

  it('writes the same rows as our receiver, field by field', async () => {
    await sql('CREATE DATABASE IF NOT EXISTS exporter');
    await sql('CREATE TABLE IF NOT EXISTS exporter.otel_traces AS default.otel_traces');
    // This one uses HTTP gzip; the main collector the exporter's default LZ4 blocks: both paths write real rows.
    const direct = await startCollector(collectorPath, { clickhouse: { url: sandbox.clickhouse, database: 'exporter' }, batchTimeout: '200ms', compress: 'gzip' });
    try {
      const traceId = hexId(16);
      const grpcTraceId = hexId(16);
      const [root, child, other] = [hexId(8), hexId(8), hexId(8)];
      const now = BigInt(Date.now()) * 1_000_000n;
      const a = (key: string, value: Record<string, unknown>) => ({ key, value });
      const body = JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [a('service.name', { stringValue: 'tfy-llm-gateway' }), a('host.name', { stringValue: 'gw-1' }), a('process.pid', { intValue: '4242' })] },
            scopeSpans: [
              {
                scope: { name: 'tfy.gateway', version: '2.1.0' },
                spans: [
                  {
                    traceId, spanId: root, name: 'ChatCompletion', kind: 2, traceState: 'vendor=x',
                    startTimeUnixNano: String(now), endTimeUnixNano: String(now + 2_345_678_901n),
                    attributes: [
                      a('tfy.request.model_name', { stringValue: 'openai-main/gpt-4o' }), a('tfy.model.metric.input_tokens', { intValue: '512' }),
                      a('tfy.model.metric.cost_in_usd', { doubleValue: 0.0021 }), a('tfy.model.streaming', { boolValue: true }),
                      a('tfy.input', { stringValue: 'What is ClickStack? ünïcode "quotes" \\ back\nslash' }), a('list', { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }] } }),
                      a('nested', { kvlistValue: { values: [a('k', { stringValue: 'v' })] } }), a('raw', { bytesValue: 'AAEC' }),
                    ],
                    events: [{ timeUnixNano: String(now + 310_000_000n), name: 'first_token', attributes: [a('ttft_ms', { intValue: '310' })] }],
                    links: [{ traceId: hexId(16), spanId: other, traceState: 'l=1', attributes: [a('link.kind', { stringValue: 'retry' })] }],
                    status: { code: 1 },
                  },
                  {
                    traceId, spanId: child, parentSpanId: root, name: 'Network Call', kind: 3,
                    startTimeUnixNano: String(now + 10_000_000n), endTimeUnixNano: String(now + 2_300_000_000n),
                    attributes: [a('http.response.status_code', { intValue: '429' })],
                    status: { code: 2, message: 'upstream rate limited' },
                  },
                ],
              },
            ],
          },
        ],
      });
      for (const url of [direct.otlp, sandbox.otlp]) {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(res.status, url).toBe(200);
      }
      // The same request as protobuf over gRPC, into the collector (then its exporter) and into our gRPC receiver.
      const grpcBody = jsonRequestToProto(body.replaceAll(traceId, grpcTraceId));
      expect((await exportRaw(direct.otlpGrpc, grpcBody)).code).toBe(grpc.status.OK);
      expect((await exportRaw(sandbox.otlpGrpc, grpcBody)).code).toBe(grpc.status.OK);
      const read = async (db: string, id = traceId) => {
        for (let i = 0; i < 100; i++) {
          const text = await sql(`SELECT * FROM ${db}.otel_traces WHERE TraceId = '${id}' ORDER BY SpanId FORMAT JSONEachRow`);
          const rows = text.trim() ? text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : [];
          if (rows.length === 2) return rows;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`the rows did not arrive in ${db}`);
      };
      const [theirs, ours] = [await read('exporter'), await read('default')];
      const [theirsGrpc, oursGrpc] = [await read('exporter', grpcTraceId), await read('default', grpcTraceId)];
      const columns = Object.keys(theirs[0]!);
      expect(columns.length).toBeGreaterThanOrEqual(20);
      // The newest ClickStack DDL: its items columns are ALIASes (not in SELECT *), computed from the same maps.
      expect(await sql("SELECT count() FROM system.columns WHERE database = 'default' AND table = 'otel_traces' AND name = 'SpanAttributeItems' AND default_kind = 'ALIAS'")).toBe('1\n');
      const same = (a: Record<string, unknown>[], b: Record<string, unknown>[], what: string) => {
        for (let i = 0; i < 2; i++) {
          for (const column of columns) {
            const [x, y] = column === 'TraceId' ? [null, null] : [a[i]![column], b[i]![column]];
            expect(x, `${what}: span ${i}, column ${column}`).toEqual(y);
          }
        }
      };
      same(ours, theirs, 'our HTTP receiver vs the collector over HTTP');
      same(oursGrpc, theirsGrpc, 'our gRPC receiver vs the collector over gRPC');
      same(oursGrpc, ours, 'our gRPC receiver vs our HTTP receiver');
      console.log(`real collector: ${columns.length} columns × 2 spans agree between the ClickHouse exporter (HTTP and gRPC in) and our receivers (HTTP and gRPC)`);
    } finally {
      await direct.stop();
    }
  }, 60_000);

  it('passes the OTLP step and lands the test trace over gRPC, then over HTTP with protobuf', async () => {
    for (const protocol of ['grpc', 'http/protobuf'] as const) {
      const p = (await composed.core.call('profiles.list', {})) as MethodOutput<'profiles.list'>;
      const view = p.profiles.find((x) => x.id === profileId)!;
      const { passwordSet: _p, tokenSet: _t, warnings: _w, id: _i, kind: _k, ...fields } = view;
      await composed.core.call('profiles.update', { id: profileId, fields: { ...fields, otlpProtocol: protocol, otlpGrpcEndpoint: `http://${collector.otlpGrpc}` } });
      const step = (await composed.core.call('setup.runStep', { profileId, step: 'otlp' })) as { status: string; summary: string };
      expect(step.status, step.summary).toBe('passed');
      const result = (await composed.core.call('testTrace.run', { profileId, useGatewayServiceName: true })) as MethodOutput<'testTrace.run'>;
      expect(result.ok, result.summary).toBe(true);
      expect(result.protocol).toBe(protocol);
      expect(result.stages.map((x) => x.status)).toEqual(['passed', 'passed', 'passed']);
      console.log(`real collector: test trace over ${protocol} queryable after ${result.latencyMs} ms`);
    }
    const p = (await composed.core.call('profiles.list', {})) as MethodOutput<'profiles.list'>;
    const { passwordSet: _p, tokenSet: _t, warnings: _w, id: _i, kind: _k, ...fields } = p.profiles.find((x) => x.id === profileId)!;
    await composed.core.call('profiles.update', { id: profileId, fields: { ...fields, otlpProtocol: 'http/json' } });
  }, 90_000);

  it('gives the same gRPC statuses as our receiver for a wrong token, garbage and another service', async () => {
    const body = jsonRequestToProto('{"resourceSpans":[]}');
    const cases: [string, Buffer, Record<string, string>, string | undefined][] = [
      ['no token', body, {}, undefined],
      ['a wrong token', body, { authorization: `${TOKEN}-wrong` }, undefined],
      ['garbage', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), { authorization: TOKEN }, undefined],
      ['the metrics service', body, { authorization: TOKEN }, '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export'],
      ['a good empty request', body, { authorization: TOKEN }, undefined],
    ];
    const ours = await startTestSandbox({ args: ['--auth-token-env', 'CST_TOKEN'], env: { CST_TOKEN: TOKEN } });
    try {
      for (const [label, bytes, metadata, path] of cases) {
        const [theirs, mine] = [await exportRaw(collector.otlpGrpc, bytes, { metadata, path }), await exportRaw(ours.otlpGrpc, bytes, { metadata, path })];
        expect(grpc.status[mine.code], label).toBe(grpc.status[theirs.code]);
      }
    } finally {
      await ours.dispose();
    }
  }, 60_000);

  it('reads its real health_check: up, then Down once the collector stops', async () => {
    const up = (await composed.core.call('pipeline.checkNow', { profileId })) as MethodOutput<'pipeline.checkNow'>;
    expect(up.state, up.reason).not.toBe('Down');
    await collector.stop();
    const down = (await composed.core.call('pipeline.checkNow', { profileId })) as MethodOutput<'pipeline.checkNow'>;
    expect(down.state).toBe('Down');
    expect(down.reason).toMatch(/collector does not answer/i);
  }, 60_000);
});

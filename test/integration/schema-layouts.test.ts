/**
 * Every reader of the app — setup detection, the test trace's landing check, search, trace,
 * tail and the per-model summary — on every table layout the sandbox can create, with a
 * gateway-shaped trace and both StatusCode spellings.
 */
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkClickHouse } from '../../electron/core/setup/clickhouse-check.js';
import { buildGatewayTrace } from '../../electron/core/test-trace/gateway-trace.js';
import { awaitLanding } from '../../electron/core/test-trace/landing-check.js';
import { sendOtlpJson } from '../../electron/core/test-trace/otlp-sender.js';
import { prepareSearch, whereOf } from '../../electron/core/search/prepare-search.js';
import { SqlParams } from '../../electron/core/search/sql-params.js';
import { SpanTail } from '../../electron/core/traces/span-tail.js';
import { getTrace } from '../../electron/core/traces/trace-load.js';
import { searchSpans } from '../../electron/core/traces/span-search.js';
import { searchRequests } from '../../electron/core/traces/request-queries.js';
import { trafficSummary } from '../../electron/core/traces/traffic-summary.js';
import { SCHEMA_VARIANTS, type SchemaVariant } from '../../electron/sandbox/schema.js';
import { hexId } from '../support/otlp-http.js';
import { readFreshness } from '../../electron/core/health/probes/clickhouse-probe.js';
import { sandboxLocation, sandboxTable, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const EXPECTED_LAYOUT: Record<SchemaVariant, string> = {
  clickstack: 'clickstack-text',
  compat: 'clickstack-bloom',
  exporter: 'exporter',
  'exporter-json': 'exporter-json',
};
const GATEWAY = 'tfy-llm-gateway';
const sandboxes: Partial<Record<SchemaVariant, TestSandbox>> = {};

beforeAll(async () => {
  await Promise.all(SCHEMA_VARIANTS.map(async (v) => (sandboxes[v] = await startTestSandbox({ args: ['--schema', v] }))));
}, 120_000);
afterAll(async () => {
  await Promise.all(Object.values(sandboxes).map((s) => s.dispose()));
});

describe.each(SCHEMA_VARIANTS)('the %s schema', (variant) => {
  it('is recognised, and every reader works on it', async () => {
    const s = sandboxes[variant]!;
    const location = sandboxLocation(s);
    const table = await sandboxTable(s);
    expect(table.layout.kind).toBe(EXPECTED_LAYOUT[variant]);
    expect(table.engine).toBe('MergeTree');
    const setup = await checkClickHouse({ url: s.clickhouse, user: 'default', password: '' });
    expect([setup.result.status, setup.layout]).toEqual(['passed', EXPECTED_LAYOUT[variant]]);

    // The test trace, as the app sends it, lands and is proven queryable.
    const trace = buildGatewayTrace({ serviceName: GATEWAY });
    expect((await sendOtlpJson(s.otlp, trace.body, null)).ok).toBe(true);
    const landing = await awaitLanding(location, trace.traceId, trace.startNs, trace.spanCount, { timeoutMs: 10_000 });
    expect(landing.landed).toBe(true);

    // An older exporter wrote STATUS_CODE_ERROR; a row written that way must still count as an error.
    const client = createClient({ url: s.clickhouse, log: { level: ClickHouseLogLevel.OFF } });
    const legacyTrace = hexId(16);
    await client.insert({
      table: 'otel_traces',
      values: [{ Timestamp: new Date().toISOString().replace('T', ' ').replace('Z', ''), TraceId: legacyTrace, SpanId: hexId(8), ServiceName: GATEWAY, SpanName: 'Legacy', SpanKind: 'SPAN_KIND_SERVER', StatusCode: 'STATUS_CODE_ERROR', Duration: 5_000_000 }],
      format: 'JSONEachRow',
    });
    await client.close();

    const now = Date.now();
    const window = { fromMs: now - 3600_000, toMs: now + 60_000, service: GATEWAY };
    const errors = await searchSpans(location, { ...window, query: 'status:error kind:server' });
    expect(errors.spans.map((x) => [x.name, x.status])).toEqual([['Legacy', 'error']]);
    const byModel = await searchSpans(location, { ...window, query: 'model:"openai-main/gpt-4o-mini" AND name:ChatCompletion' });
    expect(byModel.spans.map((x) => x.traceId)).toEqual([trace.traceId]);
    const byGuardrail = await searchSpans(location, { ...window, query: 'tfy.guardrail.result:pass' });
    expect(byGuardrail.spans.map((x) => x.name)).toEqual(['Guardrail']);

    // On the newest layout an exact attribute match goes through the items column its text index serves.
    const params = new SqlParams();
    const sql = whereOf(await prepareSearch('SpanAttributes.tfy.guardrail.result:"pass"', table, window), params)!;
    expect(sql.includes('has(SpanAttributeItems')).toBe(variant === 'clickstack');

    const spans = await getTrace(location, trace.traceId);
    expect(spans.map((x) => x.name).sort()).toEqual(['ChatCompletion', 'Guardrail', 'Model', 'Network Call']);
    if (variant === 'exporter-json') {
      // Stored as the exporter's JSON mode stores them: typed values, and the keys beside each map.
      const typed = createClient({ url: s.clickhouse, log: { level: ClickHouseLogLevel.OFF } });
      const result = await typed.query({
        query: `SELECT dynamicType(getSubcolumn(SpanAttributes, 'tfy.model.metric.input_tokens')) AS tokens, dynamicType(getSubcolumn(SpanAttributes, 'tfy.model.streaming')) AS streaming,
                       dynamicType(getSubcolumn(SpanAttributes, 'tfy.model.metric.cost_in_usd')) AS cost, has(SpanAttributesKeys, 'tfy.span_type') AS keyed
                FROM otel_traces WHERE TraceId = {t:String} AND SpanName = 'Model'`,
        query_params: { t: trace.traceId },
        format: 'JSONEachRow',
      });
      const [row] = (await result.json()) as { tokens: string; streaming: string; cost: string; keyed: number | boolean }[];
      expect([row!.tokens, row!.streaming, row!.cost, Number(row!.keyed)]).toEqual(['Int64', 'Bool', 'Float64', 1]);
      await typed.close();
    }
    // Attribute maps read back flat, whatever the storage (the JSON layout splits dotted keys into paths).
    expect(spans.find((x) => x.name === 'Model')!.attributes).toMatchObject({ 'tfy.model.metric.input_tokens': '42', 'tfy.model.streaming': 'true' });
    const root = spans.find((x) => x.name === 'ChatCompletion')!;
    expect(root.llm.input).toContain('reply with OK');
    expect(root.llm.spanType).toBe('ChatCompletion');

    const tail = new SpanTail(table);
    expect((await tail.start()).spans.map((x) => x.traceId)).toEqual(expect.arrayContaining([trace.traceId, legacyTrace]));

    const requests = await searchRequests(location, { ...window, query: 'tfy.guardrail.result:pass', limit: 10 });
    expect(requests.requests.map((r) => [r.traceId, r.inputTokens, r.spanCount])).toEqual([[trace.traceId, 42, 4]]);
    const summary = await trafficSummary(location, window.fromMs, window.toMs, GATEWAY);
    const row = summary.models.find((r) => r.model === 'openai-main/gpt-4o-mini');
    expect(row).toMatchObject({ requests: 1, inputTokens: 42, outputTokens: 128 });
    expect(row!.costUsd).toBeCloseTo(0.0000831, 9);

    // Health's freshness probe counts the gateway's spans per minute.
    const target = { kind: 'remote' as const, clickhouseUrl: s.clickhouse, clickhouseUser: 'default', password: '', database: 'default', otlpEndpoint: s.otlp, otlpToken: null, healthUrl: s.health, serviceName: GATEWAY };
    const fresh = await readFreshness(target, Date.now(), AbortSignal.timeout(10_000));
    expect(fresh.spansPerMinute.reduce((n, m) => n + m.spans, 0)).toBe(5);
  }, 60_000);
});

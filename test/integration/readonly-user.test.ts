/**
 * A viewing account with ClickHouse's readonly = 1 profile — the stock `readonly` profile, which
 * may change no setting at all — gets the answers the full user gets: the traffic summary, the
 * request list (Lucene and SQL mode), span search with its key discovery, and calls a person may
 * cancel. The sandbox's read-only user refuses settings as ClickHouse does (checked first, so the
 * rest can fail); the app leaves out the settings it sends only as hints.
 * Only the sandbox's read-only user is used here: no second ClickHouse server runs in the suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllClients } from '../../electron/core/clickhouse/clickhouse-clients.js';
import { checkClickHouse } from '../../electron/core/setup/clickhouse-check.js';
import type { TracesLocation } from '../../electron/core/clickhouse/server.js';
import { searchRequests } from '../../electron/core/traces/request-queries.js';
import { searchSpans } from '../../electron/core/traces/span-search.js';
import { TraceService } from '../../electron/core/traces/trace-service.js';
import { summarySlices, trafficSummary } from '../../electron/core/traces/traffic-summary.js';
import { GATEWAY_SERVICE, gatewayMix, otlpBody } from '../support/gateway-traffic.js';
import { postOtlp } from '../support/otlp-http.js';
import { sandboxLocation, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const VIEWER = { user: 'viewer', password: 'viewer-secret-7' };
let sandbox: TestSandbox;
let full: TracesLocation;
let viewer: TracesLocation;
const now = Date.now();
const window = { fromMs: now - 3600_000, toMs: now + 60_000 };

beforeAll(async () => {
  sandbox = await startTestSandbox({ args: ['--readonly-user', VIEWER.user, '--readonly-password-env', 'CST_VIEWER_PASSWORD'], env: { ...process.env, CST_VIEWER_PASSWORD: VIEWER.password } });
  full = sandboxLocation(sandbox);
  viewer = { ...full, ...VIEWER };
  const sent = gatewayMix(120, 7, now, 50 * 60_000);
  for (let i = 0; i < sent.length; i += 40) expect((await postOtlp(sandbox.otlp, otlpBody(sent.slice(i, i + 40)))).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await closeAllClients();
  await sandbox?.dispose();
});

async function asViewer(sql: string, query = '') {
  const auth = `Basic ${Buffer.from(`${VIEWER.user}:${VIEWER.password}`).toString('base64')}`;
  const r = await fetch(`${sandbox.clickhouse}/?${query}`, { method: 'POST', body: sql, headers: { authorization: auth } });
  return { status: r.status, text: await r.text() };
}

describe('a read-only ClickHouse user (readonly = 1)', () => {
  it('is refused a changed setting and a write by the sandbox, as ClickHouse refuses them', async () => {
    expect((await asViewer('SELECT count() FROM otel_traces')).status).toBe(200);
    const changed = await asViewer('SELECT 1', 'max_threads=1');
    expect(changed.status).toBe(403);
    expect(changed.text).toContain("Cannot modify 'max_threads' setting in readonly mode");
    expect((await asViewer('SELECT 1', 'cancel_http_readonly_queries_on_client_close=1')).status).toBe(403);
    // A setting sent with the value it already has is no change.
    expect((await asViewer('SELECT 1', 'cancel_http_readonly_queries_on_client_close=0')).status).toBe(200);
    for (const sql of ["INSERT INTO otel_traces (TraceId) VALUES ('x')", "/* a note */ (INSERT INTO otel_traces (TraceId) VALUES ('x'))", "-- a note\nDROP TABLE otel_traces"]) {
      const write = await asViewer(sql);
      expect(write.status, sql).toBe(403);
      expect(write.text, sql).toContain('Cannot execute query in readonly mode');
    }
    expect((await asViewer('SELECT count() FROM otel_traces')).text.trim(), 'nothing was written or dropped').not.toBe('0');
  });

  it('passes the ClickHouse step, which says the collector needs another user', async () => {
    // Yet another spelling of the server, so the step meets the read-only answer itself.
    const asked = { url: `${sandbox.clickhouse}/`, ...VIEWER };
    const theirs = await checkClickHouse(asked);
    expect(theirs.result.status).toBe('passed');
    expect(theirs.result.summary).toContain('viewer is a read-only user');
    expect(theirs.result.summary).toContain('the collector needs a user that may insert into default.otel_traces');
    expect(theirs.result.facts).toContainEqual({ label: 'Access', value: expect.stringContaining('read-only') });
    const mine = await checkClickHouse({ url: sandbox.clickhouse, user: 'default', password: '' });
    expect(mine.result.status).toBe('passed');
    expect(mine.result.summary).not.toContain('read-only');
    expect(mine.result.facts.some((f) => f.label === 'Access')).toBe(false);
  });

  it('gets the same traffic summary as the full user', async () => {
    summarySlices.clear();
    const mine = await trafficSummary(full, window.fromMs, window.toMs, GATEWAY_SERVICE);
    summarySlices.clear();
    const theirs = await trafficSummary(viewer, window.fromMs, window.toMs, GATEWAY_SERVICE);
    expect(mine.requests).toBeGreaterThan(100);
    expect({ requests: theirs.requests, errors: theirs.errors, models: theirs.models, users: theirs.users, mcp: theirs.mcp }).toEqual({ requests: mine.requests, errors: mine.errors, models: mine.models, users: mine.users, mcp: mine.mcp });
  });

  it('gets the same requests, in Lucene and in SQL mode, and the same spans', async () => {
    const searches = [
      { query: 'model:"anthropic-main/claude-sonnet-4"', language: 'lucene' as const },
      { query: "StatusCode = 'Error' OR SpanName = 'Model'", language: 'sql' as const },
    ];
    for (const s of searches) {
      const mine = await searchRequests(full, { ...s, ...window, service: GATEWAY_SERVICE, limit: 50 });
      const theirs = await searchRequests(viewer, { ...s, ...window, service: GATEWAY_SERVICE, limit: 50 });
      expect(mine.requests.length, s.query).toBeGreaterThan(0);
      expect(theirs.requests.map((r) => r.traceId), s.query).toEqual(mine.requests.map((r) => r.traceId));
    }
    const spans = { query: 'SpanAttributes.tfy.request.created_by_subject:"user:alice@acme.dev"', ...window, limit: 100 };
    const mine = await searchSpans(full, spans);
    const theirs = await searchSpans(viewer, spans);
    expect(mine.spans.length).toBeGreaterThan(0);
    expect(theirs.spans.map((r) => r.spanId)).toEqual(mine.spans.map((r) => r.spanId));
  });

  it('runs a call the person may cancel (its queries carry the cancel-on-close hint the user may not set), and reads the keys search completes', async () => {
    // Another spelling of the same server: nothing learnt from the tests above, so this call meets the refusal itself.
    const target = { kind: 'sandbox' as const, clickhouseUrl: sandbox.clickhouse.replace('127.0.0.1', 'localhost'), clickhouseUser: VIEWER.user, password: VIEWER.password, database: 'default', otlpEndpoint: sandbox.otlp, otlpToken: null, healthUrl: sandbox.health, serviceName: GATEWAY_SERVICE };
    const traces = new TraceService(async () => target, () => undefined);
    summarySlices.clear();
    const summary = await traces.summary('p', { ...window, queryId: '6f1d2c3b-0000-4000-8000-00000000f00d' });
    expect(summary.requests).toBeGreaterThan(100);
    const fullTraces = new TraceService(async () => ({ ...target, clickhouseUser: 'default', password: '' }), () => undefined);
    const keys = await traces.fields('p');
    expect(keys.spanKeys).toContain('tfy.request.model_name');
    expect(keys.spanKeys).toEqual((await fullTraces.fields('p')).spanKeys);
  });
});

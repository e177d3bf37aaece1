/**
 * Gateway-shaped traffic (metrics on the Model span, as TrueFoundry documents it): the mix of
 * chat, streaming, fallbacks with two Model spans, rate limits, embeddings, MCP tool calls,
 * multi-turn conversations and an older gateway's trace with metrics on root and Model alike.
 * The summaries must equal totals computed independently — from what was sent, and in plain
 * SQL over the Model spans — and the live tail's fold must equal the SQL rollup.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollupSql, searchRequests } from '../../electron/core/traces/request-queries.js';
import { SUMMARY_FIELDS, trafficSummary } from '../../electron/core/traces/traffic-summary.js';
import { fromRollupRow } from '../../electron/core/semantics/request-rollup-sql.js';
import { conversation } from '../../electron/core/traces/conversation-query.js';
import { spanRowColumnsSql } from '../../electron/core/semantics/span-columns-sql.js';
import { toSpanRow, type SpanRow } from '../../electron/shared/span-row.js';
import { RequestRow, rollupRequest } from '../../electron/shared/request-row.js';
import { GATEWAY_SERVICE, gatewayMix, gatewayRequest, otlpBody, seeded, type GenRequest } from '../support/gateway-traffic.js';
import { postOtlp, selectRows } from '../support/otlp-http.js';
import { sandboxLocation, sandboxTable, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const SEED = Number(process.env.GATEWAY_SEED ?? Date.now() % 100_000);
/** Every table layout the sandbox can create: the rules must hold on each. */
const SCHEMAS = ['clickstack', 'compat', 'exporter', 'exporter-json'] as const;

describe.each(SCHEMAS)('gateway traffic on the %s table', (schema) => {
let sandbox: TestSandbox;
let sent: GenRequest[];
const now = Date.now();
const window = { fromMs: now - 3600_000, toMs: now + 60_000 };
/** An attribute of table alias `s` in plain SQL, as this layout stores it. */
const attr = (alias: string, key: string) => (schema === 'exporter-json' ? `toString(getSubcolumn(${alias}.SpanAttributes, '${key}'))` : `${alias}.SpanAttributes['${key}']`);

beforeAll(async () => {
  console.log(`gateway mix seed: GATEWAY_SEED=${SEED} (${schema})`);
  sandbox = await startTestSandbox({ args: ['--schema', schema] });
  const rnd = seeded(SEED + 1);
  // The shapes that break naive sums, always present whatever the seed draws.
  // A millisecond exporter starts several spans at once: a fallback whose spans all share one start, so "first" and "last" need a tie-break.
  const tied = gatewayRequest('fallback', now - 7 * 60_000, rnd);
  for (const s of tied.spans) s.startMs = tied.spans[0]!.startMs;
  // Two roots in one trace (a caller that lost its parent link): the first names no user, a later one does; the first root's start and duration are the request's.
  const twoRoots = gatewayRequest('chat', now - 11 * 60_000, rnd);
  delete twoRoots.spans[0]!.attributes['tfy.request.created_by_subject'];
  twoRoots.spans.push({ spanId: randomBytes(8).toString('hex'), parentSpanId: '', name: 'ChatCompletion', kind: 2, startMs: twoRoots.startMs + 50, durationMs: 20, attributes: { 'tfy.span_type': 'ChatCompletion', 'tfy.request.created_by_subject': twoRoots.user } });
  // A fallback whose hops ran on a host with its clock 30 s behind the gateway's: the failed hop starts before its (successful) root.
  // Its root starts just inside the newest five-minute slice, its hops in the slice before.
  const skewed = gatewayRequest('fallback', window.toMs - 5 * 60_000 + 10_000, rnd);
  for (const x of skewed.spans) if (x.parentSpanId !== '') x.startMs -= 30_000;
  const must = [skewed, twoRoots, gatewayRequest('legacy', now - 10 * 60_000, rnd), gatewayRequest('fallback', now - 9 * 60_000, rnd), gatewayRequest('mcp-tool-error', now - 8 * 60_000, rnd), gatewayRequest('stream', now - 12 * 60_000, rnd), tied];
  sent = [...gatewayMix(300, SEED, now), ...must];
  for (let i = 0; i < sent.length; i += 50) {
    const r = await postOtlp(sandbox.otlp, otlpBody(sent.slice(i, i + 50)));
    expect([r.status, r.text]).toEqual([200, '{"partialSuccess":{}}']);
  }
}, 60_000);
afterAll(async () => {
  await sandbox?.dispose();
});

/** Every gateway span, as the tail delivers them (the tail's own SELECT list), in any order, by trace. */
async function spansByTrace(table: Awaited<ReturnType<typeof sandboxTable>>): Promise<Map<string, SpanRow[]>> {
  const raw = await selectRows<unknown>(sandbox.clickhouse, `SELECT ${spanRowColumnsSql(table.layout)} FROM otel_traces WHERE ServiceName = {svc:String} ORDER BY rand()`, { svc: GATEWAY_SERVICE });
  const byTrace = new Map<string, SpanRow[]>();
  for (const s of raw.map(toSpanRow)) byTrace.set(s.traceId, [...(byTrace.get(s.traceId) ?? []), s]);
  return byTrace;
}

function totalsBy<K extends string>(requests: GenRequest[], key: (r: GenRequest) => K) {
  const out = new Map<K, { requests: number; errors: number; inputTokens: number; outputTokens: number; costUsd: number }>();
  for (const r of requests) {
    const k = key(r);
    const t = out.get(k) ?? { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
    t.requests++;
    t.errors += r.failed ? 1 : 0;
    t.inputTokens += r.inputTokens;
    t.outputTokens += r.outputTokens;
    t.costUsd += r.costUsd;
    out.set(k, t);
  }
  return out;
}

describe('summarised', () => {
  it('per model: requests, errors and tokens exact, cost to the micro-dollar — from what was sent', async () => {
    const summary = await trafficSummary(sandboxLocation(sandbox), window.fromMs, window.toMs, GATEWAY_SERVICE);
    const truth = totalsBy(
      sent.filter((r) => r.model),
      (r) => r.model,
    );
    expect(summary.models.map((m) => m.model).sort()).toEqual([...truth.keys()].sort());
    for (const m of summary.models) {
      const t = truth.get(m.model)!;
      expect({ model: m.model, requests: m.requests, errors: Math.round(m.errorRate * m.requests), inputTokens: m.inputTokens, outputTokens: m.outputTokens }).toEqual({ model: m.model, requests: t.requests, errors: t.errors, inputTokens: t.inputTokens, outputTokens: t.outputTokens });
      expect(Math.abs(m.costUsd - t.costUsd)).toBeLessThan(0.000001);
      expect(m.costUsd).toBeGreaterThan(0);
    }
  });

  it('per model: the same totals as plain SQL over the Model spans (where the gateway puts the metrics)', async () => {
    const sql = await selectRows<{ model: string; input: number; output: number; cost: number }>(
      sandbox.clickhouse,
      `SELECT root.m AS model, sum(toFloat64OrZero(${attr('s', 'tfy.model.metric.input_tokens')})) AS input,
              sum(toFloat64OrZero(${attr('s', 'tfy.model.metric.output_tokens')})) AS output, sum(toFloat64OrZero(${attr('s', 'tfy.model.metric.cost_in_usd')})) AS cost
       FROM otel_traces AS s
       INNER JOIN (SELECT TraceId, ${attr('r', 'tfy.request.model_name')} AS m FROM otel_traces AS r WHERE ParentSpanId = '' AND ServiceName = {svc:String}) AS root ON s.TraceId = root.TraceId
       WHERE s.ServiceName = {svc:String} AND ${attr('s', 'tfy.span_type')} = 'Model' AND root.m != ''
       GROUP BY model ORDER BY model`,
      { svc: GATEWAY_SERVICE },
    );
    const summary = await trafficSummary(sandboxLocation(sandbox), window.fromMs, window.toMs, GATEWAY_SERVICE);
    const ours = [...summary.models].sort((a, b) => a.model.localeCompare(b.model));
    expect(ours.map((m) => [m.model, m.inputTokens, m.outputTokens])).toEqual(sql.map((r) => [r.model, Number(r.input), Number(r.output)]));
    ours.forEach((m, i) => expect(Math.abs(m.costUsd - Number(sql[i]!.cost))).toBeLessThan(0.000001));
  });

  it('per user and per MCP server and tool, exact', async () => {
    const summary = await trafficSummary(sandboxLocation(sandbox), window.fromMs, window.toMs, GATEWAY_SERVICE);
    const users = totalsBy(sent, (r) => r.user);
    expect(summary.users.map((u) => u.user).sort()).toEqual([...users.keys()].sort());
    for (const u of summary.users) {
      const t = users.get(u.user)!;
      expect([u.user, u.requests, u.inputTokens, u.outputTokens]).toEqual([u.user, t.requests, t.inputTokens, t.outputTokens]);
      // MCP-only requests name no model: a user's model count holds only the models really asked for.
      expect([u.user, u.models]).toEqual([u.user, new Set(sent.filter((r) => r.user === u.user && r.model).map((r) => r.model)).size]);
      expect(Math.abs(u.costUsd - t.costUsd)).toBeLessThan(0.000001);
    }
    const mcpTruth = new Map<string, { calls: number; errors: number }>();
    for (const r of sent.filter((x) => x.mcp)) {
      const key = `${r.mcp!.server}/${r.mcp!.tool}`;
      const t = mcpTruth.get(key) ?? { calls: 0, errors: 0 };
      t.calls++;
      t.errors += r.mcp!.toolError ? 1 : 0;
      mcpTruth.set(key, t);
    }
    expect(Object.fromEntries(summary.mcp.map((m) => [`${m.server}/${m.tool}`, { calls: m.calls, errors: m.errors }]))).toEqual(Object.fromEntries(mcpTruth));

    // A search narrows the MCP table as it narrows the rest: the calls of the requests it matches.
    const user = sent.filter((x) => x.mcp).map((x) => x.user)[0]!;
    const searched = await trafficSummary(sandboxLocation(sandbox), window.fromMs, window.toMs, GATEWAY_SERVICE, undefined, { query: `user:"${user}"` });
    const theirs = new Map<string, number>();
    for (const r of sent.filter((x) => x.mcp && x.user === user)) theirs.set(`${r.mcp!.server}/${r.mcp!.tool}`, (theirs.get(`${r.mcp!.server}/${r.mcp!.tool}`) ?? 0) + 1);
    expect(theirs.size).toBeGreaterThan(0);
    expect(Object.fromEntries(searched.mcp.map((m) => [`${m.server}/${m.tool}`, m.calls]))).toEqual(Object.fromEntries(theirs));
    expect(searched.mcp.reduce((n, m) => n + m.calls, 0)).toBeLessThan(summary.mcp.reduce((n, m) => n + m.calls, 0));
  });

  it('counts a metric once: an older gateway’s root and Model both carry it; a fallback’s two Model spans add up', async () => {
    const location = sandboxLocation(sandbox);
    for (const kind of ['legacy', 'fallback'] as const) {
      const r = sent.find((x) => x.kind === kind)!;
      const found = await searchRequests(location, { ...window, service: GATEWAY_SERVICE, query: `trace:${r.traceId}`, limit: 5 });
      expect(found.requests).toHaveLength(1);
      const row = found.requests[0]!;
      expect([kind, row.inputTokens, row.outputTokens]).toEqual([kind, r.inputTokens, r.outputTokens]);
      expect(Math.abs(row.costUsd! - r.costUsd)).toBeLessThan(0.000001);
      if (kind === 'fallback') {
        expect(row.calledModels).toHaveLength(1);
        expect(row.status).toBe('error');
        // The deepest hop that failed names the failure: the first call's Network Call, with its 429.
        expect(row.failedSpan).toBe('Network Call');
        expect(row.errorMessage).not.toBe('');
        expect(row.errorCount).toBe(2); // the first call's Model span and its Network Call
      }
    }
  });

  it('a negated term keeps the requests no span of which matches it, in the list and the summary alike', async () => {
    const location = sandboxLocation(sandbox);
    const failedHop = (r: GenRequest) => r.spans.some((x) => x.error !== undefined);
    const clean = sent.filter((r) => !failedHop(r));
    expect(clean.length).toBeGreaterThan(0);
    expect(clean.length).toBeLessThan(sent.length);
    for (const query of ['-status:error', 'NOT status:error']) {
      const found = await searchRequests(location, { ...window, service: GATEWAY_SERVICE, query, limit: 1000 });
      // Span by span, "some span is not an error" kept the failed requests too: each has hops that succeeded.
      expect([query, found.requests.map((r) => r.traceId).sort()]).toEqual([query, clean.map((r) => r.traceId).sort()]);
      const summary = await trafficSummary(location, window.fromMs, window.toMs, GATEWAY_SERVICE, undefined, { query });
      expect([query, summary.requests, summary.errors]).toEqual([query, clean.length, 0]);
    }
    // Beside a positive term: one model's requests in which nothing failed.
    const model = clean.find((r) => r.model)!.model;
    const mine = await searchRequests(location, { ...window, service: GATEWAY_SERVICE, query: `model:"${model}" -status:error`, limit: 1000 });
    expect(mine.requests.map((r) => r.traceId).sort()).toEqual(clean.filter((r) => r.model === model).map((r) => r.traceId).sort());
  });

  it('the live tail’s fold of spans equals the SQL rollup, field by field', async () => {
    const location = sandboxLocation(sandbox);
    // The SQL rollup (summaries, conversations, alerts use it), every field, every request of the window.
    const table = await sandboxTable(sandbox);
    const sqlRows = await selectRows<Record<string, unknown>>(sandbox.clickhouse, rollupSql(table, 'ServiceName = {svc:String}'), { svc: GATEWAY_SERVICE });
    const rows = { requests: sqlRows.map((r) => RequestRow.parse(fromRollupRow(r))) };
    expect(rows.requests).toHaveLength(sent.length);
    // The requests list folds its page's spans with the same rules: the same rows again.
    const listed = await searchRequests(location, { ...window, service: GATEWAY_SERVICE, query: '', limit: 1000 });
    // Each request once, the one with two roots too.
    expect(new Set(listed.requests.map((r) => r.traceId)).size).toBe(listed.requests.length);
    const bySql = new Map(rows.requests.map((r) => [r.traceId, r]));
    for (const r of listed.requests) expect({ ...r, costUsd: 0 }).toEqual({ ...bySql.get(r.traceId)!, costUsd: 0 });
    const byTrace = await spansByTrace(table);
    for (const sqlRow of rows.requests) {
      const folded = rollupRequest(byTrace.get(sqlRow.traceId)!);
      const { costUsd: a, ...restFolded } = folded;
      const { costUsd: b, ...restSql } = sqlRow;
      expect(restFolded).toEqual(restSql);
      expect(Math.abs((a ?? 0) - (b ?? 0))).toBeLessThan(1e-9);
    }
  });

  it('the summaries’ rollup (fewer aggregate states, start order alone) gives the fold’s values for every field a summary reads', async () => {
    const table = await sandboxTable(sandbox);
    const sqlRows = await selectRows<Record<string, unknown>>(sandbox.clickhouse, rollupSql(table, 'ServiceName = {svc:String}', { fields: [...SUMMARY_FIELDS, 'traceId'], onlyContributing: true, tieBreak: false }), { svc: GATEWAY_SERVICE });
    expect(sqlRows).toHaveLength(sent.length);
    const byTrace = await spansByTrace(table);
    for (const r of sqlRows) {
      const priced = String(r.r_pricedModel);
      const row = fromRollupRow(r);
      const spans = byTrace.get(String(row.traceId))!;
      const folded = rollupRequest(spans);
      // Spans that start in the same nanosecond have no order without the span id: only the sums, and the single root's status and duration, are defined then.
      const tied = new Set(spans.map((s) => s.tsNs)).size < spans.length;
      const fields = tied ? ['status', 'durationNs', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'reasoningTokens'] : SUMMARY_FIELDS.filter((f) => f !== 'pricedModel' && f !== 'costUsd');
      const want = Object.fromEntries(fields.map((f) => [f, folded[f as keyof typeof folded]]));
      const got = Object.fromEntries(fields.map((f) => [f, row[f]]));
      expect(got).toEqual(want);
      expect(Math.abs(Number(row.costUsd ?? 0) - (folded.costUsd ?? 0))).toBeLessThan(1e-9);
      if (!tied) expect(priced).toBe(folded.calledModels[0] ?? folded.model);
    }
  });

  it('a conversation comes back as its turns, in order', async () => {
    const convo = sent.find((r) => r.conversationId && sent.filter((x) => x.conversationId === r.conversationId).length >= 2)!;
    const turns = sent.filter((r) => r.conversationId === convo.conversationId).sort((a, b) => a.startMs - b.startMs);
    const got = await conversation(sandboxLocation(sandbox), convo.conversationId, window.fromMs, window.toMs);
    expect(got.turns.map((t) => t.traceId)).toEqual(turns.map((t) => t.traceId));
    // Each turn carries its newest message, not the history before it.
    expect(got.turns.map((t) => t.input.messages.map((m) => ({ role: m.role, text: m.text })))).toEqual(turns.map((_, i) => [{ role: 'user', text: expect.stringContaining(`Question ${i + 1} in ${convo.conversationId}`) }]));
  });
});
});

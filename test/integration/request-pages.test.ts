/**
 * Paging through every request of a window, as the Explore list does while it scrolls: each
 * request exactly once, newest first, down to the oldest — also across requests that start in
 * the same millisecond and across the newest-first time slices — and the count agreeing with
 * the summary of the same search. A search that scans text stops at its budget, says how far
 * back it looked, and its "search further" cursor goes on from there.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchRequests, type RequestSearchInput } from '../../electron/core/traces/request-queries.js';
import { trafficSummary } from '../../electron/core/traces/traffic-summary.js';
import { searchSpans } from '../../electron/core/traces/span-search.js';
import { GATEWAY_SERVICE, gatewayMix, gatewayRequest, otlpBody, seeded, type GenRequest } from '../support/gateway-traffic.js';
import { postOtlp } from '../support/otlp-http.js';
import { sandboxLocation, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const SEED = Number(process.env.GATEWAY_SEED ?? Date.now() % 100_000);
let sandbox: TestSandbox;
let sent: GenRequest[];
let twoRootTraffic: GenRequest[];
const TWO_ROOT_SERVICE = 'caller-without-parent-links';
const now = Date.now();
/** Three hours: the newest-first slices (5, 20, 80 min, …) are all crossed. */
const window = { fromMs: now - 3 * 3600_000, toMs: now + 60_000 };

beforeAll(async () => {
  console.log(`gateway mix seed: GATEWAY_SEED=${SEED}`);
  sandbox = await startTestSandbox();
  const rnd = seeded(SEED);
  // Twelve requests that start in the same millisecond: a page boundary falls among them.
  const burst = Array.from({ length: 12 }, () => gatewayRequest('chat', now - 30 * 60_000, rnd));
  sent = [...gatewayMix(260, SEED, now, 3 * 3600_000), ...burst];
  for (let i = 0; i < sent.length; i += 50) {
    const r = await postOtlp(sandbox.otlp, otlpBody(sent.slice(i, i + 50)));
    expect(r.status).toBe(200);
  }
  // Another service's traffic (the gateway's lists above never see it): traces with a second root
  // 90 s after the first (a caller that lost its parent link), other requests started between them.
  twoRootTraffic = Array.from({ length: 24 }, (_, i) => gatewayRequest('chat', now - 40 * 60_000 + i * 30_000, rnd));
  for (const r of twoRootTraffic.filter((_, i) => i % 4 === 0)) {
    r.spans.push({ spanId: randomBytes(8).toString('hex'), parentSpanId: '', name: 'ChatCompletion', kind: 2, startMs: r.startMs + 90_000, durationMs: 20, attributes: { 'tfy.span_type': 'ChatCompletion' } });
  }
  expect((await postOtlp(sandbox.otlp, otlpBody(twoRootTraffic, TWO_ROOT_SERVICE))).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await sandbox?.dispose();
});

/** Every page before the last holds `limit` requests, also when it meets a trace an earlier one listed. */
async function allPages(q: Omit<RequestSearchInput, 'limit' | 'fromMs' | 'toMs'>, limit: number) {
  const seen: { traceId: string; tsNs: string }[] = [];
  let before: RequestSearchInput['before'];
  for (let page = 0; page < 200; page++) {
    const r = await searchRequests(sandboxLocation(sandbox), { ...window, ...q, limit, before });
    seen.push(...r.requests.map((x) => ({ traceId: x.traceId, tsNs: x.tsNs })));
    if (!r.next) return { seen, pages: page + 1 };
    expect(r.requests.length, 'a page with more after it is full').toBe(limit);
    before = r.next;
  }
  throw new Error('paging did not end');
}

const newestFirst = (a: { tsNs: string; traceId: string }, b: { tsNs: string; traceId: string }) => (BigInt(b.tsNs) > BigInt(a.tsNs) ? 1 : BigInt(b.tsNs) < BigInt(a.tsNs) ? -1 : b.traceId.localeCompare(a.traceId));

describe('paging through the requests of a window', () => {
  it('reaches every request once, newest first, down to the oldest', async () => {
    const { seen, pages } = await allPages({ query: '', service: GATEWAY_SERVICE }, 17);
    expect(pages).toBeGreaterThan(10);
    expect(new Set(seen.map((s) => s.traceId)).size, 'no request twice').toBe(seen.length);
    expect(new Set(seen.map((s) => s.traceId))).toEqual(new Set(sent.map((r) => r.traceId)));
    expect(seen).toEqual([...seen].sort(newestFirst));
  });

  it('pages past traces with two roots, every request once, none skipped between a trace\'s roots, each page full', async () => {
    for (const limit of [2, 3, 5]) {
      const { seen } = await allPages({ query: '', service: TWO_ROOT_SERVICE }, limit);
      expect(seen.map((s) => s.traceId).sort(), `pages of ${limit}`).toEqual(twoRootTraffic.map((r) => r.traceId).sort());
    }
  });

  it('a searched list pages to the same count as the summary of the same search', async () => {
    const query = 'model:"anthropic-main/claude-sonnet-4"';
    const expected = sent.filter((r) => r.model === 'anthropic-main/claude-sonnet-4');
    const { seen } = await allPages({ query, service: GATEWAY_SERVICE }, 9);
    const summary = await trafficSummary(sandboxLocation(sandbox), window.fromMs, window.toMs, GATEWAY_SERVICE, () => null, { query });
    expect(new Set(seen.map((s) => s.traceId))).toEqual(new Set(expected.map((r) => r.traceId)));
    expect(summary.requests).toBe(expected.length);
    expect(summary.models.map((m) => m.model)).toEqual(['anthropic-main/claude-sonnet-4']);
  });

  it('an index-served search pages alike when its whole window is refused and it is read slice by slice', async () => {
    const query = 'model:"anthropic-main/claude-sonnet-4"';
    const expected = new Set(sent.filter((r) => r.model === 'anthropic-main/claude-sonnet-4').map((r) => r.traceId));
    // A bound of one row: the index's estimate is over it, so every page falls back to the slices.
    const { seen } = await allPages({ query, service: GATEWAY_SERVICE, wholeWindowRows: 1 }, 9);
    expect(new Set(seen.map((s) => s.traceId))).toEqual(expected);
    expect(seen).toEqual([...seen].sort(newestFirst));
    // One conversation over the three hours: the whole window answers it, the same requests.
    const conversation = sent.find((r) => r.conversationId)!.conversationId!;
    const one = await searchRequests(sandboxLocation(sandbox), { ...window, query: `conversation:"${conversation}"`, service: GATEWAY_SERVICE, limit: 50 });
    expect(new Set(one.requests.map((r) => r.traceId))).toEqual(new Set(sent.filter((r) => r.conversationId === conversation).map((r) => r.traceId)));
  });

  it('a summary of a search that finds nothing counts nothing', async () => {
    const summary = await trafficSummary(sandboxLocation(sandbox), window.fromMs, window.toMs, GATEWAY_SERVICE, () => null, { query: 'model:"no-such-model"' });
    expect([summary.requests, summary.models.length]).toEqual([0, 0]);
  });
});

describe('a search that scans text, bounded by its budget', () => {
  it('stops going back at the budget, says where, and searching further goes on from there', async () => {
    // "Question" is in every chat prompt: a bare word that no index serves.
    const all = await searchSpans(sandboxLocation(sandbox), { ...window, query: 'Question', limit: 1000 });
    expect(all.searchedFromMs, 'the default budget covers this small table').toBeNull();
    const bounded = await searchSpans(sandboxLocation(sandbox), { ...window, query: 'Question', limit: 1000 }, { maxRowsRead: 1 });
    expect(bounded.searchedFromMs).not.toBeNull();
    expect(bounded.searchedFromMs!).toBeGreaterThan(window.fromMs);
    // What it found is exactly the matches newer than where it stopped.
    const newer = all.spans.filter((s) => BigInt(s.tsNs) >= BigInt(bounded.searchedFromMs!) * 1_000_000n);
    expect(bounded.spans.map((s) => s.spanId)).toEqual(newer.map((s) => s.spanId));

    const first = await searchRequests(sandboxLocation(sandbox), { ...window, query: 'Question', service: GATEWAY_SERVICE, limit: 1000, scanBudget: { maxRowsRead: 1 } });
    expect(first.searchedFromMs).not.toBeNull();
    expect(first.next, 'a stopped scan offers to search further').not.toBeNull();
    const further = await searchRequests(sandboxLocation(sandbox), { ...window, query: 'Question', service: GATEWAY_SERVICE, limit: 1000, before: first.next! });
    const ids = [...first.requests, ...further.requests].map((r) => r.traceId);
    const everything = await searchRequests(sandboxLocation(sandbox), { ...window, query: 'Question', service: GATEWAY_SERVICE, limit: 1000 });
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(everything.requests.map((r) => r.traceId)));
    expect(everything.requests.length).toBeGreaterThan(first.requests.length);
  });
});

/**
 * The traffic summary asked again reuses the time slices whose spans did not change: the numbers
 * must be the ones a summary computed afresh gives, a span that arrives late for an old request
 * must still count, and the percentiles merged across slices must stay close to the sent ones.
 */
import { createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarySlices, trafficSummary } from '../../electron/core/traces/traffic-summary.js';
import { previewFromMs, summaryPreview } from '../../electron/core/traces/summary-preview.js';
import { GATEWAY_SERVICE, gatewayMix, gatewayRequest, otlpBody, seeded, type GenRequest } from '../support/gateway-traffic.js';
import { postOtlp } from '../support/otlp-http.js';
import { sandboxLocation, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const SEED = Number(process.env.GATEWAY_SEED ?? Date.now() % 100_000);
const now = Date.now();
/** Three hours: five-minute buckets, so 37 slices. */
const window = { fromMs: now - 3 * 3600_000, toMs: now + 60_000 };
const BUSY_MODEL = 'openai-main/gpt-4o';

let sandbox: TestSandbox;
let sent: GenRequest[];

async function send(requests: GenRequest[]) {
  for (let i = 0; i < requests.length; i += 100) {
    const r = await postOtlp(sandbox.otlp, otlpBody(requests.slice(i, i + 100)));
    expect([r.status, r.text]).toEqual([200, '{"partialSuccess":{}}']);
  }
}

/** Merges the table's parts into one, as ClickHouse does in the background on a busy table. */
async function mergeAllParts() {
  const client = createClient({ url: sandbox.clickhouse });
  try {
    await client.command({ query: 'OPTIMIZE TABLE default.otel_traces FINAL' });
  } finally {
    await client.close();
  }
}

const summary = () => trafficSummary(sandboxLocation(sandbox), window.fromMs, window.toMs, GATEWAY_SERVICE);
/** What a person sees: everything but how it was read. */
const seen = (s: Awaited<ReturnType<typeof summary>>) => ({ requests: s.requests, errors: s.errors, models: s.models, users: s.users, series: s.series, mcp: s.mcp });

beforeAll(async () => {
  console.log(`summary slices seed: GATEWAY_SEED=${SEED}`);
  sandbox = await startTestSandbox();
  const rnd = seeded(SEED + 7);
  // The mix over the last two hours, and a busy quarter hour of one model (over a hundred requests
  // per five-minute slice, so its slices keep percentiles, not values).
  const busy = Array.from({ length: 450 }, (_, i) => gatewayRequest('chat', now - 100 * 60_000 + i * 2_000, rnd, { model: 0 }));
  sent = [...gatewayMix(300, SEED, now - 10 * 60_000, 2 * 3600_000), ...busy];
  await send(sent);
}, 120_000);
afterAll(async () => {
  await sandbox?.dispose();
});

describe('the summary by time slices', () => {
  it('asked again, reads only the window’s edges and shows the same numbers', async () => {
    summarySlices.clear();
    const first = await summary();
    expect(first.slicesReused).toBe(0);
    expect(first.requests).toBe(sent.length);
    const again = await summary();
    // The two partial slices at the window's ends, and the whole slice next to each when its
    // requests' spans reach within a minute of the window's end (they could have spans outside it).
    expect(again.slicesRead, `${again.slicesReused} reused`).toBeLessThanOrEqual(4);
    expect(again.slicesReused).toBeGreaterThan(30);
    expect(seen(again)).toEqual(seen(first));
  });

  it('a Model span that lands late for an old request counts: its slice is read again', async () => {
    const before = await summary();
    const old = sent.find((r) => r.kind === 'chat' && r.startMs < now - 60 * 60_000 && r.startMs > now - 80 * 60_000)!;
    const root = old.spans.find((s) => s.parentSpanId === '')!;
    // A retry's Model span exported late: the gateway sums the Model spans of a request.
    const retry = { ...old, spans: [{ spanId: 'aa11bb22cc33dd44', parentSpanId: root.spanId, name: 'Model', kind: 1, startMs: old.startMs + 5, durationMs: 50, attributes: { 'tfy.span_type': 'Model', 'tfy.model.name': 'gpt-4o', 'tfy.model.metric.input_tokens': 1000, 'tfy.model.metric.output_tokens': 0, 'tfy.model.metric.cost_in_usd': 0.001 } }] };
    await send([retry]);
    const after = await summary();
    // Its slice and the neighbours either side whose requests' spans reach that minute, besides what
    // the same summary read before it (the window's edges).
    expect(after.slicesRead, `${before.slicesRead} read before it`).toBeLessThanOrEqual(before.slicesRead + 3);
    expect(after.slicesReused).toBeGreaterThan(30);
    const model = (s: typeof before) => s.models.find((m) => m.model === old.model)!;
    expect(model(after).requests).toBe(model(before).requests);
    expect(model(after).inputTokens).toBe(model(before).inputTokens + 1000);
    expect(model(after).costUsd).toBeCloseTo(model(before).costUsd + 0.001, 9);
    // And it equals a summary that reads every slice afresh.
    summarySlices.clear();
    expect(seen(await summary())).toEqual(seen(after));
  });

  it('after the table’s parts merge, the slices are still reused, known by the merged parts’ blocks without counting their spans', async () => {
    const before = await summary();
    await mergeAllParts();
    const after = await summary();
    expect(after.slicesReused).toBeGreaterThan(30);
    expect(seen(after)).toEqual(seen(before));
    // Asked again with nothing changed it reads the same edges: the merge cost no count of spans per minute.
    const again = await summary();
    expect(again.slicesReused).toBe(after.slicesReused);
    expect(after.rowsRead, 'rows read right after the merge, as when nothing changed').toBe(again.rowsRead);
  });

  it('a new request is counted, reading only the newest slices', async () => {
    const before = await summary();
    await send([gatewayRequest('chat', now - 30_000, seeded(SEED + 9), { model: 1 })]);
    const after = await summary();
    expect(after.requests).toBe(before.requests + 1);
    // The edges, and the newest slices' minutes whose requests were still running.
    expect(after.slicesRead).toBeLessThanOrEqual(8);
    expect(after.slicesReused).toBeGreaterThan(30);
  });

  // Within a percent and a half: a slice with more than RAW_LIMIT requests of a model sends 99
  // percentiles, one per percent of rank, and merging several such steps can land half a step off
  // (rank 0.940 for a p95 was seen, once in about fifteen runs, at a one-percent bound).
  it('percentiles merged from many slices stay within a percent and a half of rank of the durations sent', async () => {
    const s = await summary();
    const durations = sent
      .filter((r) => r.model === BUSY_MODEL)
      .map((r) => r.spans.find((x) => x.parentSpanId === '')!.durationMs)
      .sort((a, b) => a - b);
    const rank = (v: number) => durations.filter((d) => d <= v).length / durations.length;
    const row = s.models.find((m) => m.model === BUSY_MODEL)!;
    console.log(`${BUSY_MODEL}: ${durations.length} requests, p50 ${row.p50Ms.toFixed(1)} ms (rank ${rank(row.p50Ms).toFixed(3)}), p95 ${row.p95Ms.toFixed(1)} ms (rank ${rank(row.p95Ms).toFixed(3)})`);
    expect(rank(row.p50Ms)).toBeGreaterThan(0.485);
    expect(rank(row.p50Ms)).toBeLessThan(0.515 + 1 / durations.length);
    expect(rank(row.p95Ms)).toBeGreaterThan(0.935);
    expect(rank(row.p95Ms)).toBeLessThan(0.965 + 1 / durations.length);
  });
});

describe('the preview Explore asks for first', () => {
  const location = () => sandboxLocation(sandbox);
  const none = () => null;

  it('of a slow window is its newest eighth, in the window’s own slices, and the whole summary next reads only the rest', async () => {
    summarySlices.clear();
    // A streamed request rooted a millisecond before the preview's start, its spans started after it: the
    // rest of the window must still take them (its Model span's tokens, its duration).
    const straddling = gatewayRequest('stream', previewFromMs(window.fromMs, window.toMs)! - 1, seeded(SEED + 11));
    expect(straddling.spans.some((sp) => sp.startMs >= previewFromMs(window.fromMs, window.toMs)!)).toBe(true);
    await send([straddling]);
    let clock = 0;
    // Each look at the clock a second later: the newest eighth "took" over PREVIEW_QUICK_MS.
    const slow = () => (clock += 1_000);
    const preview = await summaryPreview(location(), window.fromMs, window.toMs, GATEWAY_SERVICE, none, { query: '' }, slow);
    const from = previewFromMs(window.fromMs, window.toMs)!;
    expect(preview).toMatchObject({ partial: true, coveredFromMs: from, fromMs: window.fromMs, toMs: window.toMs, bucketMs: 5 * 60_000 });
    // An eighth of the window back, then down to a slice boundary: up to one slice more.
    const eighth = (window.toMs - window.fromMs) / 8;
    expect(window.toMs - from, 'about an eighth of the three hours, on a five-minute boundary').toBeGreaterThanOrEqual(eighth);
    expect(window.toMs - from).toBeLessThan(eighth + 5 * 60_000);
    expect(from % (5 * 60_000)).toBe(0);
    const whole = await summary();
    expect(whole.partial).toBe(false);
    expect(preview.requests, 'a part of the window’s requests').toBeGreaterThan(0);
    expect(preview.requests).toBeLessThan(whole.requests);
    expect(whole.slicesReused, 'the preview’s slices are not read again').toBeGreaterThan(0);
    // The slices the whole read after the preview are kept with their spans per minute: after the
    // table's parts merge (a busy table merges every few minutes) they are still reused.
    await mergeAllParts();
    const merged = await summary();
    expect(merged.slicesReused, `${merged.slicesRead} read again after the merge`).toBeGreaterThan(30);
    expect(seen(merged)).toEqual(seen(whole));
    summarySlices.clear();
    expect(seen(whole), 'the same figures as a summary read afresh').toEqual(seen(await summary()));
    summarySlices.clear();
    const newestAfresh = await trafficSummary(location(), from, window.toMs, GATEWAY_SERVICE, none, { query: '' }, 5 * 60_000);
    expect(seen(preview), 'the preview’s figures are those of its newest eighth').toEqual(seen(newestAfresh));
  });

  it('of a quick window is the whole summary, never partial', async () => {
    summarySlices.clear();
    const quick = await summaryPreview(location(), window.fromMs, window.toMs, GATEWAY_SERVICE, none, { query: '' }, () => 0);
    expect(quick.partial).toBe(false);
    expect(quick.coveredFromMs).toBeUndefined();
    summarySlices.clear();
    expect(seen(quick)).toEqual(seen(await summary()));
  });
});

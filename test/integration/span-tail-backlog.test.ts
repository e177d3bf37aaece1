/**
 * The live tail past one page: a horizon already holding 60,000 spans when it starts (a
 * backfill), then 75,000 new ones in three inserts with a merge of old and new parts between
 * them; and the same backfill followed by a minute of gateway traffic through the OTLP receiver,
 * polled as the app polls. Every new span is delivered exactly once; none written before the
 * tail started is.
 */
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanTail } from '../../electron/core/traces/span-tail.js';
import { GATEWAY_SERVICE, gatewayMix, otlpBody } from '../support/gateway-traffic.js';
import { postOtlp } from '../support/otlp-http.js';
import { sandboxTable, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.dispose();
});

/** `count` spans named `name`, span ids `<tag>-<n>`, started within the last 10 minutes, inserted in one block. */
async function insert(tag: string, count: number): Promise<void> {
  const client = createClient({ url: sandbox.clickhouse, log: { level: ClickHouseLogLevel.OFF }, request_timeout: 120_000 });
  try {
    await client.command({
      query: `INSERT INTO otel_traces (Timestamp, TraceId, SpanId, ParentSpanId, ServiceName, SpanName, SpanKind, Duration, StatusCode)
              SELECT now64(9) - toIntervalMillisecond(number % 600000), lower(hex(MD5(concat('${tag}', toString(intDiv(number, 4)))))), concat('${tag}-', toString(number)), '',
                     'tfy-llm-gateway', ['ChatCompletion', 'Guardrail', 'Model', 'Network Call'][number % 4 + 1], 'Internal', 1000000, 'Ok'
              FROM numbers(${count})`,
    });
  } finally {
    await client.close();
  }
}

async function optimize(): Promise<void> {
  const client = createClient({ url: sandbox.clickhouse, log: { level: ClickHouseLogLevel.OFF }, request_timeout: 120_000 });
  try {
    await client.command({ query: 'OPTIMIZE TABLE otel_traces FINAL' });
  } finally {
    await client.close();
  }
}

describe('the live tail past a page', () => {
  it('delivers every new span exactly once and none from before it started, across a merge', async () => {
    await insert('old', 60_000);
    // Small pages and a small per-poll budget, so both the paging and the "more" hand-over are exercised.
    const tail = new SpanTail(await sandboxTable(sandbox), { where: "ServiceName = 'tfy-llm-gateway'", pageRows: 10_000, maxRowsPerPoll: 30_000 });
    const initial = (await tail.start()).spans.map((s) => s.spanId);
    const shown: string[] = [];
    let polls = 0;
    let sawMore = false;
    const drain = async () => {
      for (;;) {
        const r = await tail.poll();
        polls++;
        shown.push(...r.spans.map((s) => s.spanId));
        sawMore ||= r.more === true;
        if (!r.more) return;
      }
    };
    await insert('new1', 25_000);
    await drain();
    await insert('new2', 25_000);
    // A merge of pre-start, delivered and undelivered rows into one part: none may come back, none may be lost.
    await optimize();
    await insert('new3', 25_000);
    await drain();
    await drain();

    const newShown = shown.filter((id) => id.startsWith('new'));
    expect(newShown).toHaveLength(75_000);
    expect(new Set(newShown).size).toBe(75_000);
    expect(shown.filter((id) => id.startsWith('old'))).toEqual([]);
    expect(initial.every((id) => id.startsWith('old'))).toBe(true);
    // More than a poll's budget arrived at once: polls said "more" and the next went on from the same row.
    expect(sawMore).toBe(true);
    expect(polls).toBeGreaterThanOrEqual(4);
    await tail.close();
  }, 180_000);

  it('after a backfill, delivers a minute of gateway traffic exactly once, across a merge', async () => {
    await insert('backfill', 60_000);
    const tail = new SpanTail(await sandboxTable(sandbox), { where: `ServiceName = '${GATEWAY_SERVICE}'` });
    const before = new Set((await tail.start()).spans.map((s) => s.spanId));
    const seed = Number(process.env.GATEWAY_SEED ?? Date.now() % 100_000);
    console.log(`minute of gateway traffic: GATEWAY_SEED=${seed}`);
    const sent: string[] = [];
    const shown: string[] = [];
    const poll = async () => {
      for (;;) {
        const r = await tail.poll();
        shown.push(...r.spans.map((s) => s.spanId));
        if (!r.more) return;
      }
    };
    const end = Date.now() + 60_000;
    let merged = false;
    for (let i = 0; Date.now() < end; i++) {
      // A few requests a second, started up to 10 minutes ago (late spans of long calls), inside the horizon.
      const batch = gatewayMix(8, seed + i, Date.now(), 10 * 60_000);
      const answer = await postOtlp(sandbox.otlp, otlpBody(batch));
      expect(answer.status).toBe(200);
      sent.push(...batch.flatMap((r) => r.spans.map((s) => s.spanId)));
      if (!merged && Date.now() > end - 30_000) {
        await optimize();
        merged = true;
      }
      await poll();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await poll();
    console.log(`minute of gateway traffic: ${sent.length} spans sent, ${shown.length} delivered, ${new Set(shown).size} distinct`);

    expect(merged).toBe(true);
    expect(sent.length).toBeGreaterThan(1_000);
    expect(shown.filter((id) => id.startsWith('backfill') || before.has(id))).toEqual([]);
    expect(new Set(shown).size).toBe(shown.length);
    expect(new Set(shown)).toEqual(new Set(sent));
    await tail.close();
  }, 180_000);
});

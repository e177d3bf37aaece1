/**
 * The tail shows each span exactly once: inserted out of order, across poll boundaries, and
 * long spans arriving minutes after their start, while the tail runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanTail } from '../../electron/core/traces/span-tail.js';
import { prepareSearch, whereOf } from '../../electron/core/search/prepare-search.js';
import { SqlParams } from '../../electron/core/search/sql-params.js';
import { hexId, postOtlp } from '../support/otlp-http.js';
import { sandboxTable, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.dispose();
});

const MIN = 60_000;

async function send(spans: { id: string; startMs: number; durationMs: number; service?: string; name?: string }[]) {
  const body = JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: spans[0]?.service ?? 'tfy-llm-gateway' } }] },
        scopeSpans: [
          {
            spans: spans.map((s) => ({
              traceId: hexId(16),
              spanId: s.id,
              name: s.name ?? 'ChatCompletion',
              kind: 2,
              startTimeUnixNano: String(BigInt(s.startMs) * 1_000_000n),
              endTimeUnixNano: String(BigInt(s.startMs + s.durationMs) * 1_000_000n),
            })),
          },
        ],
      },
    ],
  });
  expect((await postOtlp(sandbox.otlp, body)).status).toBe(200);
}

describe('span tail', () => {
  it('shows every span inside the horizon exactly once, whatever order they arrive in', async () => {
    const service = `tail-${hexId(8)}`;
    const params = new SqlParams();
    const table = await sandboxTable(sandbox);
    const where = whereOf(await prepareSearch(`service:${service}`, table, { fromMs: 0, toMs: Date.now() }), params)!;
    const tail = new SpanTail(table, { where, params });
    const now = Date.now();
    const shown: string[] = [];
    const sent: string[] = [];
    const batch = async (spans: { startMs: number; durationMs: number }[]) => {
      const withIds = spans.map((s) => ({ ...s, id: hexId(8), service }));
      sent.push(...withIds.map((s) => s.id));
      await send(withIds);
    };

    await batch([{ startMs: now - 5_000, durationMs: 100 }]);
    shown.push(...(await tail.start()).spans.map((s) => s.spanId));
    expect(shown).toHaveLength(1);

    // Out of order within a batch and across batches, some split over several inserts between polls.
    await batch([{ startMs: now - 1_000, durationMs: 50 }, { startMs: now - 9_000, durationMs: 50 }]);
    await batch([{ startMs: now - 30_000, durationMs: 50 }]);
    shown.push(...(await tail.poll()).spans.map((s) => s.spanId));
    // A streaming LLM call that started four minutes ago and only ended now.
    await batch([{ startMs: now - 4 * MIN, durationMs: 4 * MIN - 500 }]);
    shown.push(...(await tail.poll()).spans.map((s) => s.spanId));
    // Nothing new: nothing shown, nothing read.
    const idle = await tail.poll();
    expect(idle).toEqual({ spans: [], rowsRead: 0 });
    // A span that started 14 minutes ago (inside the 15-minute horizon), and one from 20 minutes ago (outside).
    await batch([{ startMs: now - 14 * MIN, durationMs: 14 * MIN }]);
    const outside = hexId(8);
    await send([{ id: outside, startMs: now - 20 * MIN, durationMs: 20 * MIN, service }]);
    shown.push(...(await tail.poll()).spans.map((s) => s.spanId));

    expect([...shown].sort()).toEqual([...sent].sort());
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown).not.toContain(outside);
    await tail.close();
  });

  it('survives merges: a merged part is read again but its old spans are not shown twice', async () => {
    const service = `merge-${hexId(8)}`;
    const params = new SqlParams();
    const table = await sandboxTable(sandbox);
    const where = whereOf(await prepareSearch(`service:${service}`, table, { fromMs: 0, toMs: Date.now() }), params)!;
    const tail = new SpanTail(table, { where, params });
    const now = Date.now();
    const first = Array.from({ length: 3 }, () => ({ id: hexId(8), startMs: now - 2_000, durationMs: 10, service }));
    await send(first);
    expect((await tail.start()).spans).toHaveLength(3);
    const second = [{ id: hexId(8), startMs: now - 1_000, durationMs: 10, service }];
    await send(second);
    const { createClient } = await import('@clickhouse/client');
    const admin = createClient({ url: sandbox.clickhouse });
    await admin.command({ query: 'OPTIMIZE TABLE otel_traces FINAL' });
    await admin.close();
    const after = await tail.poll();
    expect(after.spans.map((s) => s.spanId)).toEqual([second[0]!.id]);
    await tail.close();
  });
});

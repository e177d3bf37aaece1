/**
 * A request that can never be stored (its spans fall on 101 different days: more partitions
 * than one insert may create) sent together with valid ones: it alone gets a 400 with the
 * reason — not a retryable 503 — and every valid request beside it is stored and answered 200.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexId, postOtlp, selectRows } from '../support/otlp-http.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.dispose();
});

function body(service: string, starts: number[]): string {
  const traceId = hexId(16);
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ spans: starts.map((ms) => ({ traceId, spanId: hexId(8), name: 'ChatCompletion', kind: 2, startTimeUnixNano: String(BigInt(ms) * 1_000_000n), endTimeUnixNano: String(BigInt(ms + 5) * 1_000_000n) })) }],
      },
    ],
  });
}

describe('a poison request in a group', () => {
  it('fails alone, as a 400 with the reason, and its neighbours are stored', async () => {
    const now = Date.now();
    const day = 24 * 3600_000;
    const poison = body('poison-svc', Array.from({ length: 101 }, (_, i) => now - i * day));
    const valid = Array.from({ length: 8 }, () => body('valid-svc', Array.from({ length: 50 }, (_, i) => now - i * 10)));
    // Sent at once, so the receiver groups them into shared inserts.
    const answers = await Promise.all([...valid.slice(0, 4), poison, ...valid.slice(4)].map((b) => postOtlp(sandbox.otlp, b)));
    const poisonAnswer = answers[4]!;
    expect(poisonAnswer.status).toBe(400);
    expect(poisonAnswer.text).toMatch(/partitions/i);
    expect(poisonAnswer.headers.get('retry-after')).toBeNull();
    expect(answers.filter((_, i) => i !== 4).map((a) => a.status)).toEqual(Array(8).fill(200));
    const [stored] = await selectRows<{ c: string | number }>(sandbox.clickhouse, "SELECT count() AS c FROM otel_traces WHERE ServiceName = 'valid-svc'");
    expect(Number(stored!.c)).toBe(400);
    const [none] = await selectRows<{ c: string | number }>(sandbox.clickhouse, "SELECT count() AS c FROM otel_traces WHERE ServiceName = 'poison-svc'");
    expect(Number(none!.c)).toBe(0);
  }, 60_000);
});

/**
 * The summary's charts lay a window out bucket by bucket: a bucket without requests is a gap in
 * the latency line and zero in the bars, never a line drawn across the quiet minutes.
 */
import { describe, expect, it } from 'vitest';
import { everyBucket } from '../../electron/shared/summary-buckets.js';

const M = 60_000;
const point = (t: number, requests: number) => ({ t, requests, errors: 0, p95Ms: 100 + requests, costByModel: {}, inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 });

describe('the charts’ buckets', () => {
  it('fills the quiet buckets between the first and the last with nothing', () => {
    const b = everyBucket({ bucketMs: M, series: [point(10 * M, 5), point(11 * M, 3), point(15 * M, 7)] });
    expect(b.map((x) => x.t)).toEqual([10, 11, 12, 13, 14, 15].map((m) => m * M));
    expect(b.map((x) => x.point?.requests ?? null)).toEqual([5, 3, null, null, null, 7]);
  });

  it('charts an empty series as empty, and a series too long to lay out as it came', () => {
    expect(everyBucket({ bucketMs: M, series: [] })).toEqual([]);
    const far = everyBucket({ bucketMs: M, series: [point(0, 1), point(10_000 * M, 1)] });
    expect(far.map((x) => x.t)).toEqual([0, 10_000 * M]);
  });
});

/** The traffic summary's series laid out bucket by bucket, as Explore's charts draw it. */
import type { z } from 'zod';
import type { TrafficSummary } from './contract.js';

type Summary = Pick<z.infer<typeof TrafficSummary>, 'series' | 'bucketMs'>;
type Point = Summary['series'][number];

/** At most this many buckets are laid out one by one; a longer series is charted as it came. */
const MAX_BUCKETS = 2_000;

/**
 * Every bucket from the first with requests to the last: one without requests counts none and
 * has no latency (a gap in the line), rather than the line joining its neighbours across it.
 */
export function everyBucket(summary: Summary): { t: number; point: Point | null }[] {
  const points = summary.series;
  const first = points[0]?.t;
  const last = points.at(-1)?.t;
  if (first === undefined || last === undefined || summary.bucketMs <= 0 || (last - first) / summary.bucketMs > MAX_BUCKETS) return points.map((p) => ({ t: p.t, point: p }));
  const byT = new Map(points.map((p) => [p.t, p]));
  const out: { t: number; point: Point | null }[] = [];
  for (let t = first; t <= last; t += summary.bucketMs) out.push({ t, point: byT.get(t) ?? null });
  return out;
}


/**
 * Quantiles that can be merged: a summary cached per time slice (summary-slices.ts) keeps, per
 * group and slice, either the values themselves (few of them) or 99 quantile points, and the
 * window's quantile is read from the slices' sketches together. ClickHouse's aggregate states
 * cannot leave the server as numbers, so this is the part written by hand.
 */

/** A group's values in one slice: all of them, sorted, when there are at most RAW_LIMIT; else the 1st…99th percentiles. */
export interface Sketch {
  count: number;
  points: readonly number[];
}

export const RAW_LIMIT = 100;
/** The levels of a sketch's points, as the SQL asks for them: 0.01, 0.02, … 0.99. */
export const SKETCH_LEVELS: readonly number[] = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);

const isRaw = (s: Sketch) => s.count <= RAW_LIMIT && s.points.length === s.count;

/** ClickHouse's `quantile`: linear interpolation at level × (n − 1) of the sorted values. */
function interpolated(sorted: readonly number[], level: number): number {
  const index = Math.max(0, Math.min(sorted.length - 1, level * (sorted.length - 1)));
  const left = Math.floor(index);
  if (left + 1 >= sorted.length) return sorted[left]!;
  return sorted[left]! * (left + 1 - index) + sorted[left + 1]! * (index - left);
}

/** The share of a sketch's values at or below x, read off its points as a piecewise-linear CDF. */
function cdf(s: Sketch, x: number): number {
  const p = s.points;
  const levels = isRaw(s) ? p.map((_, i) => (p.length === 1 ? 1 : i / (p.length - 1))) : SKETCH_LEVELS;
  if (x < p[0]!) return 0;
  if (x >= p[p.length - 1]!) return 1;
  let i = 0;
  while (p[i + 1]! <= x) i++;
  const span = p[i + 1]! - p[i]!;
  return levels[i]! + (span === 0 ? 0 : ((x - p[i]!) / span) * (levels[i + 1]! - levels[i]!));
}

/**
 * The level-quantile of every value the sketches stand for, or null when they hold none. Exact
 * (as ClickHouse's `quantile` is below 8192 values) when every sketch still holds its values, and
 * when one sketch holds them all; else approximate, from the count-weighted mixture of the
 * sketches' distributions (a percentile's error is about a percent of rank: a 99-point sketch
 * steps by one, and a p95 at rank 0.940 was seen; summary-slices.test.ts bounds it at 1.5).
 */
export function quantileOf(sketches: readonly Sketch[], level: number): number | null {
  const present = sketches.filter((s) => s.count > 0 && s.points.length > 0);
  if (present.length === 0) return null;
  if (present.length === 1 && !isRaw(present[0]!)) {
    const i = Math.round(level * 100) - 1;
    if (i >= 0 && i < SKETCH_LEVELS.length) return present[0]!.points[i]!;
  }
  if (present.every(isRaw)) return interpolated(present.flatMap((s) => s.points).sort((a, b) => a - b), level);
  const total = present.reduce((n, s) => n + s.count, 0);
  const share = (x: number) => present.reduce((sum, s) => sum + s.count * cdf(s, x), 0) / total;
  const candidates = [...new Set(present.flatMap((s) => s.points))].sort((a, b) => a - b);
  let lo = 0;
  let hi = candidates.length - 1;
  // The first candidate at which the mixture reaches the level, then linear between it and the one before.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (share(candidates[mid]!) >= level) hi = mid;
    else lo = mid + 1;
  }
  const b = candidates[lo]!;
  if (lo === 0) return b;
  const a = candidates[lo - 1]!;
  const fa = share(a);
  const fb = share(b);
  return fb === fa ? b : a + ((level - fa) / (fb - fa)) * (b - a);
}

import { describe, expect, it } from 'vitest';
import { quantileOf, SKETCH_LEVELS, type Sketch } from '../../electron/core/traces/quantile-sketch.js';

/** A sketch as the summary's SQL makes one: the values when few, else the 1st…99th percentiles (ClickHouse's interpolation). */
function sketchOf(values: number[]): Sketch {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length <= 100) return { count: sorted.length, points: sorted };
  const at = (q: number) => {
    const i = q * (sorted.length - 1);
    const l = Math.floor(i);
    return l + 1 >= sorted.length ? sorted[l]! : sorted[l]! * (l + 1 - i) + sorted[l + 1]! * (i - l);
  };
  return { count: sorted.length, points: SKETCH_LEVELS.map(at) };
}

describe('quantiles merged from per-slice sketches', () => {
  it('are ClickHouse’s interpolated quantile while every slice still holds its values', () => {
    expect(quantileOf([sketchOf([250, 180])], 0.5)).toBe(215);
    // The same two values in two slices: the median a summary of one slice would give.
    expect(quantileOf([sketchOf([180]), sketchOf([250])], 0.5)).toBe(215);
    expect(quantileOf([], 0.5)).toBeNull();
  });

  it('are within a percent of rank of the true quantile when slices keep only percentiles', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    // Slices of different sizes and distributions: a quiet hour, a slow burst, a fast one.
    const slices = [Array.from({ length: 40 }, () => 200 + rnd() * 100), Array.from({ length: 3000 }, () => 500 + rnd() ** 3 * 20_000), Array.from({ length: 900 }, () => 100 + rnd() * 300)];
    const all = slices.flat().sort((a, b) => a - b);
    const rank = (v: number) => all.filter((x) => x <= v).length / all.length;
    for (const level of [0.5, 0.9, 0.95, 0.99]) {
      const q = quantileOf(slices.map(sketchOf), level)!;
      expect(Math.abs(rank(q) - level), `level ${level}: ${q}`).toBeLessThan(0.01);
    }
  });
});

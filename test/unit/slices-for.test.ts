/**
 * How a window is read newest first: a search an index serves sizes each next slice from the
 * matches found so far; other searches grow by the fixed factor. Either way the slices cover the
 * window once, newest first, with no gap and no overlap.
 */
import { describe, expect, it } from 'vitest';
import { FIRST_SLICE_MS, newestFirstSlices, slicesFor, type TimeSlice } from '../../electron/core/traces/time-slices.js';

const H = 3600_000;
const range = { fromMs: 1_000_000_000_000, toMs: 1_000_000_000_000 + 6 * H };

/** Reads the slices as readNewestFirst does, with `perMs` matches per millisecond, until `want` rows are found. */
function read(selective: boolean, perMs: number, want = 201): TimeSlice[] {
  const seen: TimeSlice[] = [];
  let found = 0;
  for (const s of slicesFor(range, selective, () => found, want)) {
    seen.push(s);
    found += Math.floor((s.toMs - s.fromMs) * perMs);
    if (found >= want) break;
  }
  return seen;
}

function expectCover(slices: TimeSlice[]) {
  expect(slices[0]!.toMs).toBe(range.toMs);
  expect(slices[0]!.toExclusive).toBe(false);
  for (let i = 1; i < slices.length; i++) {
    expect(slices[i]!.toMs, 'each slice ends where the newer one began').toBe(slices[i - 1]!.fromMs);
    expect(slices[i]!.toExclusive).toBe(true);
  }
  expect(slices.at(-1)!.fromMs).toBe(range.fromMs);
}

describe('slices of a search an index serves', () => {
  it('a value with no recent match: the newest 5 minutes, then the rest of the window in one', () => {
    const slices = read(true, 0);
    expect(slices).toHaveLength(2);
    expect(slices[0]!.toMs - slices[0]!.fromMs).toBe(FIRST_SLICE_MS);
    expectCover(slices);
  });

  it('a common value fills the page from the newest slice', () => {
    expect(read(true, 1 / 1000)).toHaveLength(1);
  });

  it('a sparse value: the next slice is sized to fill the page, so the whole window takes few queries', () => {
    // 10 matches in 5 minutes, 201 wanted: about 1.5 h more is asked for next, not 20 minutes.
    const slices = read(true, 10 / FIRST_SLICE_MS);
    expect(slices.length).toBeLessThanOrEqual(3);
    expect(slices[1]!.toMs - slices[1]!.fromMs).toBeGreaterThan(H);
  });
});

describe('slices of a search that reads every row', () => {
  it('grow by the fixed factor, whatever was found', () => {
    const slices = read(false, 0);
    expect(slices).toEqual(newestFirstSlices(range.fromMs, range.toMs));
    expect(slices.length).toBeGreaterThan(3);
    expectCover(slices);
  });
});

/** The minute ranges a summary counts before reading its slices: overlapping or touching ones become one, separate ones stay apart. */
import { describe, expect, it } from 'vitest';
import { mergeMinutes } from '../../electron/core/traces/summary-slices.js';

describe('mergeMinutes', () => {
  it('joins overlapping and adjacent ranges in any order, and keeps a gap as two ranges', () => {
    expect(mergeMinutes([{ first: 50, last: 60 }, { first: 10, last: 20 }, { first: 21, last: 25 }, { first: 15, last: 18 }])).toEqual([
      { first: 10, last: 25 },
      { first: 50, last: 60 },
    ]);
  });
  it('leaves its input as it was and gives nothing for nothing', () => {
    const input = [{ first: 1, last: 5 }, { first: 3, last: 9 }];
    mergeMinutes(input);
    expect(input).toEqual([{ first: 1, last: 5 }, { first: 3, last: 9 }]);
    expect(mergeMinutes([])).toEqual([]);
  });
});

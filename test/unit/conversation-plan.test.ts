/** Which turns' inputs a conversation reads at once: each repeats the history, so a long one must stop and say so. */
import { describe, expect, it } from 'vitest';
import { planReads, TEXT_BUDGET_BYTES, VALUE_CAP_BYTES } from '../../electron/core/traces/conversation-query.js';

describe('planReads', () => {
  it('reads every turn of an ordinary conversation', () => {
    expect(planReads([6_000, 12_000, 18_000]).every((p) => p.read)).toBe(true);
  });

  it('leaves a turn over the value cap to the page, with its size, and goes on with the next', () => {
    const plan = planReads([1_000, VALUE_CAP_BYTES + 1, 2_000]);
    expect(plan.map((p) => p.read)).toEqual([true, false, true]);
    expect(plan[1]!.note).toBe('Its input is 250 KB, too big to read with the conversation.');
  });

  it('stops at the budget: later turns are said to be past it, none is read silently cut', () => {
    const turns = Array.from({ length: 40 }, () => 200_000);
    const plan = planReads(turns);
    const read = plan.filter((p) => p.read).length;
    expect(read).toBe(Math.floor(TEXT_BUDGET_BYTES / 200_000));
    expect(plan.slice(read).every((p) => !p.read && p.note === 'Not read with the conversation: the turns before it already hold 4 MB of text.')).toBe(true);
  });
});

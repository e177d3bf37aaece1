/**
 * Every view's times are on the 24-hour clock: a minute past midnight reads "00:01", never "24:01"
 * (what `hour12: false` prints in Chromium and Node, and what an engineer reading an incident's time trips on).
 */
import { describe, expect, it } from 'vitest';
import { clockMinute, clockTime, dayMinute, dayTime, formatTime } from '../src/views/traces/format';

const pastMidnight = new Date(2026, 11, 7, 0, 1, 2, 345);

describe('the clock the views print', () => {
  it('says a minute past midnight as 00, not 24', () => {
    for (const printed of [clockTime(pastMidnight.getTime()), clockMinute(pastMidnight.getTime()), dayTime(pastMidnight.getTime()), dayMinute(pastMidnight.getTime())]) {
      expect(printed).toMatch(/\b00:01\b/);
      expect(printed).not.toMatch(/\b24:/);
    }
    const utc = pastMidnight.toISOString().replace('T', ' ').replace('Z', '000000');
    expect(formatTime(utc)).toMatch(/^00:01:02\.345$/);
  });

  it('says the afternoon on the 24-hour clock, without am/pm', () => {
    const afternoon = new Date(2026, 11, 7, 14, 45, 39).getTime();
    expect(clockTime(afternoon)).toMatch(/^14:45:39$/);
    expect(clockMinute(afternoon)).toMatch(/^14:45$/);
    expect(dayMinute(afternoon)).not.toMatch(/[AP]M/i);
  });
});

/**
 * Which reads a search makes, newest first: what decides the rows it reads and the round trips it
 * waits for. The reader here answers from a list of matches the way ClickHouse would — newest
 * first, and refusing a bounded read (code 158) when its estimate is over the bound — so each
 * test can say which windows were asked and that the page is the newest matches either way.
 */
import { describe, expect, it, vi } from 'vitest';
import { ClickHouseFailure } from '../../electron/core/clickhouse/clickhouse-failure.js';
import { boundedRead, readNewestFirst, type SliceReader, type TimeSlice } from '../../electron/core/traces/time-slices.js';

const H = 3600_000;
const range = { fromMs: 1_000_000_000_000, toMs: 1_000_000_000_000 + 6 * H };
let keys = 0;
const freshKey = () => `search-${keys++}`;

interface Ask {
  fromMs: number;
  toMs: number;
  maxRows?: number;
}

/** Rows read by the reads that were answered. */
const answered: WeakMap<Ask[], number> = new WeakMap();

/**
 * A table of `rowsPerMs` spans per millisecond over the window, of which those at `matches` (ms)
 * match. A read of a slice reads all its rows (a scan) or only the matches' share (`selective`:
 * an index serves it, 8192-row granules around each match); a bounded read over its estimate is refused.
 */
function table(matches: number[], opts: { rowsPerMs: number; selective: boolean }) {
  const asked: Ask[] = [];
  const inSlice = (s: TimeSlice) => matches.filter((m) => m >= s.fromMs && (s.toExclusive ? m < s.toMs : m <= s.toMs)).sort((a, b) => b - a);
  const read: SliceReader<number> = async (s, want, maxRows) => {
    asked.push({ fromMs: s.fromMs, toMs: s.toMs, ...(maxRows === undefined ? {} : { maxRows }) });
    const found = inSlice(s);
    const rowsRead = opts.selective ? found.length * 8192 : Math.round((s.toMs - s.fromMs) * opts.rowsPerMs);
    if (maxRows !== undefined && rowsRead > maxRows) throw new ClickHouseFailure('query', 'Limit for rows exceeded', 'Narrow it.', '158');
    answered.set(asked, (answered.get(asked) ?? 0) + rowsRead);
    return { rows: found.slice(0, want), rowsRead, elapsedMs: 1 };
  };
  return { read, asked };
}

const every = (stepMs: number) => Array.from({ length: Math.floor((range.toMs - range.fromMs) / stepMs) }, (_, i) => range.toMs - i * stepMs);

describe('an index-served search', () => {
  it('asks a rare value over its whole window in one read', async () => {
    const t = table([range.fromMs + H, range.fromMs + 2 * H], { rowsPerMs: 1, selective: true });
    const r = await readNewestFirst(range, 200, t.read, { selective: true, searchKey: freshKey() });
    expect(r.rows).toEqual([range.fromMs + 2 * H, range.fromMs + H]);
    expect(t.asked).toEqual([{ ...range, maxRows: 131_072 }]);
    expect(r.rowsRead).toBe(2 * 8192);
  });

  it('reads a common value slice by slice once its whole window is refused, and does not ask for that window again', async () => {
    const matches = every(1_000);
    const key = freshKey();
    const t = table(matches, { rowsPerMs: 1, selective: true });
    const r = await readNewestFirst(range, 200, t.read, { selective: true, searchKey: key });
    expect(r.rows).toEqual(matches.slice(0, 201));
    expect(t.asked[0]).toEqual({ ...range, maxRows: 131_072 });
    expect(t.asked.slice(1).every((a) => a.maxRows === undefined), 'the slices are not bounded').toBe(true);
    expect(r.rowsRead, 'rows read are those of the reads answered').toBe(answered.get(t.asked));

    const again = table(matches, { rowsPerMs: 1, selective: true });
    await readNewestFirst(range, 200, again.read, { selective: true, searchKey: key });
    expect(again.asked[0]!.maxRows, 'the same search is not asked for its whole window again').toBeUndefined();
    // A window a sixteenth as long is its own question.
    const short = { fromMs: range.toMs - H / 2, toMs: range.toMs };
    const shorter = table(matches.filter((m) => m >= short.fromMs), { rowsPerMs: 1, selective: true });
    await readNewestFirst(short, 20, shorter.read, { selective: true, searchKey: key });
    expect(shorter.asked[0]).toEqual({ ...short, maxRows: 131_072 });
  });

  it('lets any other failure through, unremembered', async () => {
    const key = freshKey();
    const down: SliceReader<number> = async () => {
      throw new ClickHouseFailure('unreachable', 'ClickHouse did not answer.', 'Start it.', null);
    };
    await expect(readNewestFirst(range, 200, down, { selective: true, searchKey: key })).rejects.toThrow('did not answer');
    const t = table([range.fromMs + H], { rowsPerMs: 1, selective: true });
    await readNewestFirst(range, 200, t.read, { selective: true, searchKey: key });
    expect(t.asked).toEqual([{ ...range, maxRows: 131_072 }]);
  });
});

describe('a search asked again (a refresh, the next poll, the next page)', () => {
  const asMs = (m: number) => m;

  it('starts with a slice as long as its last page took, with room to spare: fewer rows read, the same page', async () => {
    // A match every 200 ms: a page of 200 is the newest 40 s of a 5-minute first slice.
    const matches = every(200);
    const key = freshKey();
    const first = table(matches, { rowsPerMs: 1, selective: false });
    const a = await readNewestFirst(range, 200, first.read, { searchKey: key, timeMsOf: asMs });
    expect(first.asked[0]!.toMs - first.asked[0]!.fromMs).toBe(5 * 60_000);
    const again = table(matches, { rowsPerMs: 1, selective: false });
    const b = await readNewestFirst(range, 200, again.read, { searchKey: key, timeMsOf: asMs });
    expect(b.rows).toEqual(a.rows);
    expect(again.asked).toHaveLength(1);
    expect(again.asked[0]!.toMs - again.asked[0]!.fromMs, 'room for 1.5 pages at 200 ms a match').toBe(60_300);
    expect(b.rowsRead).toBeLessThan(a.rowsRead / 4);
  });

  it('takes its pace from its matches, not from a quiet stretch before the newest: a later page is not sized by that stretch', async () => {
    // The gateway has been idle for an hour: the pace is still a match every 200 ms, not an hour a page.
    const matches = every(200).filter((m) => m <= range.toMs - H);
    const key = freshKey();
    const first = await readNewestFirst(range, 200, table(matches, { rowsPerMs: 1, selective: false }).read, { searchKey: key, timeMsOf: asMs });
    // The next page: its window ends at the first page's last row.
    const below = { fromMs: range.fromMs, toMs: first.rows[199]! };
    const next = table(matches, { rowsPerMs: 1, selective: false });
    const r = await readNewestFirst(below, 200, next.read, { searchKey: key, timeMsOf: asMs });
    expect(r.rows).toEqual(matches.filter((m) => m <= below.toMs).slice(0, 201));
    expect(next.asked[0]!.toMs - next.asked[0]!.fromMs, 'room for 1.5 pages at 200 ms a match, no idle hour').toBe(60_300);
    // Asked again over the same window: the idle hour and the page, in one read.
    const again = table(matches, { rowsPerMs: 1, selective: false });
    await readNewestFirst(range, 200, again.read, { searchKey: key, timeMsOf: asMs });
    expect(again.asked).toHaveLength(1);
  });

  it('forgets a pace after a while, and learns none from a read of a few rows (a page filled)', async () => {
    const key = freshKey();
    const matches = every(200);
    await readNewestFirst(range, 5, table(matches, { rowsPerMs: 1, selective: false }).read, { searchKey: key, timeMsOf: asMs });
    const unlearnt = table(matches, { rowsPerMs: 1, selective: false });
    await readNewestFirst(range, 200, unlearnt.read, { searchKey: key, timeMsOf: asMs });
    expect(unlearnt.asked[0]!.toMs - unlearnt.asked[0]!.fromMs, 'six rows teach no pace').toBe(5 * 60_000);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 11 * 60_000);
      const later = table(matches, { rowsPerMs: 1, selective: false });
      await readNewestFirst(range, 200, later.read, { searchKey: key, timeMsOf: asMs });
      expect(later.asked[0]!.toMs - later.asked[0]!.fromMs, 'a pace 11 minutes old is forgotten').toBe(5 * 60_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a slow pace starts with a quarter of the window at most: an index-served search still asks its whole window bounded first', async () => {
    // A quiet night: 200 matches took the whole window; then the value turns common.
    const key = freshKey();
    const night = every(100_000);
    await readNewestFirst(range, 200, table(night, { rowsPerMs: 1, selective: true }).read, { selective: true, searchKey: key, timeMsOf: asMs, rowBounds: false });
    const morning = table(every(200), { rowsPerMs: 1, selective: true });
    await readNewestFirst(range, 200, morning.read, { selective: true, searchKey: key, timeMsOf: asMs });
    expect(morning.asked[0]).toEqual({ ...range, maxRows: 131_072 });
    expect(morning.asked[1]!.toMs - morning.asked[1]!.fromMs).toBeLessThanOrEqual((range.toMs - range.fromMs) / 4);
  });

  it('still fills its page when the matches have since grown rare, and learns the new pace', async () => {
    const key = freshKey();
    await readNewestFirst(range, 200, table(every(200), { rowsPerMs: 1, selective: true }).read, { selective: true, searchKey: key, timeMsOf: asMs });
    const rare = every(5_000);
    const slow = table(rare, { rowsPerMs: 1, selective: true });
    const r = await readNewestFirst(range, 200, slow.read, { selective: true, searchKey: key, timeMsOf: asMs });
    expect(r.rows).toEqual(rare.slice(0, 201));
    expect(slow.asked.length, 'a short first slice costs one more read').toBeLessThanOrEqual(3);
    const paced = table(rare, { rowsPerMs: 1, selective: true });
    await readNewestFirst(range, 200, paced.read, { selective: true, searchKey: key, timeMsOf: asMs });
    expect(paced.asked).toHaveLength(1);
  });

  it('asks whole milliseconds only (ClickHouse refuses a fraction for a UInt64 parameter), whatever the window and pace', async () => {
    const key = freshKey();
    const odd = { fromMs: range.fromMs + 1, toMs: range.toMs - 2 };
    const sparse = every(100_000).filter((m) => m <= odd.toMs - 7 * 60_000);
    await readNewestFirst(odd, 200, table(every(100_000), { rowsPerMs: 1, selective: true }).read, { selective: true, searchKey: key, timeMsOf: asMs, rowBounds: false });
    const t = table(sparse, { rowsPerMs: 1, selective: true });
    await readNewestFirst(odd, 200, t.read, { selective: true, searchKey: key, timeMsOf: asMs, rowBounds: false });
    expect(t.asked.length).toBeGreaterThan(1);
    for (const a of t.asked) expect([a.fromMs, a.toMs].every(Number.isInteger), JSON.stringify(a)).toBe(true);
  });

  it('a scan keeps its fixed slices: its budget and where it stopped are counted in them', async () => {
    const key = freshKey();
    const budget = { maxRowsRead: 4_000_000 };
    await readNewestFirst(range, 200, table(every(200), { rowsPerMs: 1, selective: false }).read, { budget, searchKey: key, timeMsOf: asMs });
    const again = table(every(200), { rowsPerMs: 1, selective: false });
    await readNewestFirst(range, 200, again.read, { budget, searchKey: key, timeMsOf: asMs });
    expect(again.asked.find((a) => a.maxRows === undefined)!.toMs - again.asked.find((a) => a.maxRows === undefined)!.fromMs).toBe(5 * 60_000);
  });
});

describe('a scan (a substring, a bare word)', () => {
  const budget = { maxRowsRead: 4_000_000 };

  it('reads a small window in one query', async () => {
    const t = table([range.fromMs + H], { rowsPerMs: 0.01, selective: false });
    const r = await readNewestFirst(range, 200, t.read, { budget, searchKey: freshKey() });
    expect(t.asked).toEqual([{ ...range, maxRows: 524_288 }]);
    expect(r.rows).toEqual([range.fromMs + H]);
  });

  it('reads the rest of a big window at once after a newest slice that found almost nothing', async () => {
    const t = table([range.fromMs + H], { rowsPerMs: 0.1, selective: false });
    const r = await readNewestFirst(range, 200, t.read, { budget, searchKey: freshKey() });
    expect(t.asked.map((a) => a.maxRows)).toEqual([524_288, undefined, 4_000_000 - 30_000]);
    expect(t.asked[2]).toMatchObject({ fromMs: range.fromMs, toMs: t.asked[1]!.fromMs });
    expect(r.rows).toEqual([range.fromMs + H]);
    expect(r.searchedFromMs).toBeNull();
  });

  it('goes on slice by slice when the matches come often, or the rest is over the budget left, and says where it stopped', async () => {
    const often = table(every(20_000), { rowsPerMs: 0.1, selective: false });
    const filled = await readNewestFirst(range, 200, often.read, { budget, searchKey: freshKey() });
    expect(filled.rows).toEqual(every(20_000).slice(0, 201));
    expect(often.asked.slice(1).every((a) => a.maxRows === undefined), 'no read of the rest: the page fills within a few slices').toBe(true);

    const dense = table([range.fromMs + 1], { rowsPerMs: 1, selective: false });
    const stopped = await readNewestFirst(range, 200, dense.read, { budget, searchKey: freshKey() });
    expect(dense.asked.map((a) => a.maxRows)).toEqual([524_288, undefined, 4_000_000 - 300_000, undefined, undefined]);
    expect(stopped.rows).toEqual([]);
    expect(stopped.searchedFromMs, 'stopped at the budget, and says where').toBe(dense.asked[dense.asked.length - 1]!.fromMs);
  });
});

describe('a user who may not set a row bound (readonly = 1)', () => {
  it('is never sent a bounded read, and gets the same rows slice by slice', async () => {
    const rare = [range.fromMs + H, range.fromMs + 2 * H];
    const indexed = table(rare, { rowsPerMs: 1, selective: true });
    const r = await readNewestFirst(range, 200, indexed.read, { selective: true, searchKey: freshKey(), rowBounds: false });
    expect(r.rows).toEqual([...rare].reverse());
    expect(indexed.asked.length).toBeGreaterThan(1);
    const scan = table([range.fromMs + 1], { rowsPerMs: 0.01, selective: false });
    const s = await readNewestFirst(range, 200, scan.read, { budget: { maxRowsRead: 4_000_000 }, searchKey: freshKey(), rowBounds: false });
    expect(s.rows).toEqual([range.fromMs + 1]);
    expect([...indexed.asked, ...scan.asked].every((a) => a.maxRows === undefined)).toBe(true);
  });
});

it('never sends a bound of 0 rows, which ClickHouse reads as no bound', () => {
  expect(boundedRead(0)).toEqual({ max_rows_to_read: '1', read_overflow_mode: 'throw' });
  expect(boundedRead(undefined)).toEqual({});
});

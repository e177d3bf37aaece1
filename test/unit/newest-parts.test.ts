/**
 * A scan read by whole parts, newest first: which parts are read first, when the older ones are
 * read at all, and that a page merged from two reads is the newest matches, each once — also when
 * a merge between the reads hands a row to both, or takes the older parts away.
 */
import { describe, expect, it } from 'vitest';
import { ClickHouseFailure } from '../../electron/core/clickhouse/clickhouse-failure.js';
import { mergePages, newestFirstOrder, planByParts, readByParts, NEWEST_PARTS_MAX_ROWS } from '../../electron/core/traces/newest-parts.js';
import type { PartSpan } from '../../electron/core/traces/table-parts.js';
import type { SliceReader, TimeSlice } from '../../electron/core/traces/time-slices.js';

const MIN = 60_000;
const T0 = 1_800_000_000_000;
const range = { fromMs: T0, toMs: T0 + 360 * MIN };
const FIVE_MIN = 5 * MIN;
const unbounded = { rows: 4_000_000, bounded: true };

/** Six hourly parts of 100,000 rows, as a gateway's inserts leave them after merging. */
const hourly = (): PartSpan[] => Array.from({ length: 6 }, (_, h) => ({ name: `p${h}`, fromMs: T0 + h * 60 * MIN, toMs: T0 + (h + 1) * 60 * MIN - 1, rows: 100_000 }));

describe('which parts a scan reads first', () => {
  it('reads the newest part first and the five older ones second', () => {
    const plan = planByParts(hourly(), range, unbounded, FIVE_MIN);
    expect(plan).toEqual({ older: ['p4', 'p3', 'p2', 'p1', 'p0'], olderToMs: T0 + 300 * MIN - 1 });
  });

  it('takes as many small new parts as cover the first five minutes', () => {
    const small = Array.from({ length: 10 }, (_, i) => ({ name: `s${i}`, fromMs: range.toMs - (i + 1) * MIN, toMs: range.toMs - i * MIN, rows: 2_000 }));
    const plan = planByParts([...hourly().slice(0, 5), ...small], range, unbounded, FIVE_MIN);
    expect(plan!.older).toEqual(['s5', 's6', 's7', 's8', 's9', 'p4', 'p3', 'p2', 'p1', 'p0']);
  });

  it('goes by time slices when the newest part is too big to be a first read, or no parts are known', () => {
    const merged = [{ name: 'day', fromMs: range.fromMs, toMs: range.toMs, rows: NEWEST_PARTS_MAX_ROWS + 1 }];
    expect(planByParts(merged, range, unbounded, FIVE_MIN)).toBeNull();
    expect(planByParts(hourly(), range, { rows: 50_000, bounded: true }, FIVE_MIN), 'a first read over the budget').toBeNull();
    expect(planByParts(null, range, unbounded, FIVE_MIN)).toBeNull();
    expect(planByParts([], range, unbounded, FIVE_MIN)).toBeNull();
  });

  it('for a reader who may not bound a read, only when every part of the window fits the budget', () => {
    expect(planByParts(hourly(), range, { rows: 599_999, bounded: false }, FIVE_MIN)).toBeNull();
    expect(planByParts(hourly(), range, { rows: 600_000, bounded: false }, FIVE_MIN)).not.toBeNull();
  });

  it('reads one part covering the window in one read', () => {
    expect(planByParts([{ name: 'all', fromMs: range.fromMs, toMs: range.toMs, rows: 1_000 }], range, unbounded, FIVE_MIN)).toEqual({ older: [], olderToMs: -Infinity });
  });
});

interface Row {
  tsNs: string;
  id: string;
}
const order = newestFirstOrder<Row>((r) => r.tsNs, (r) => r.id);
const at = (ms: number, id: string): Row => ({ tsNs: `${BigInt(ms) * 1_000_000n + 7n}`, id });

it('merges two reads into page order, each row once, ties by the tie-break descending', () => {
  const a = [at(T0 + 50, 'x'), at(T0 + 10, 'a')];
  const b = [at(T0 + 50, 'y'), at(T0 + 10, 'a'), at(T0 + 5, 'b')];
  expect(mergePages(a, b, order, 3)).toEqual([at(T0 + 50, 'y'), at(T0 + 50, 'x'), at(T0 + 10, 'a')]);
  // Nanoseconds past a float's precision still order: 1e18 + 1 is newer than 1e18.
  expect(mergePages([{ tsNs: '1000000000000000000', id: 'a' }], [{ tsNs: '1000000000000000001', id: 'b' }], order, 2).map((r) => r.id)).toEqual(['b', 'a']);
});

/** A table of hourly parts holding matching rows; a read answers as ClickHouse would (part filter, newest first) and says which it was asked. */
function partsTable(parts: ReadonlyMap<string, readonly Row[]>, rowsPerPart = 1_000) {
  const asked: TimeSlice[] = [];
  const read: SliceReader<Row> = async (s, want, maxRows) => {
    asked.push(s);
    const names = [...parts.keys()].filter((n) => !s.parts || s.parts.names.includes(n) !== s.parts.exclude);
    if (maxRows !== undefined && names.length * rowsPerPart > maxRows) throw new ClickHouseFailure('query', 'Limit for rows exceeded', 'Narrow it.', '158');
    const rows = names.flatMap((n) => parts.get(n)!).sort(order.compare).slice(0, want);
    return { rows, rowsRead: names.length * rowsPerPart, elapsedMs: 1 };
  };
  // Each part covers its hour of the window (hourly()), whichever rows match in it.
  const spans = (): PartSpan[] => hourly().filter((p) => parts.has(p.name)).map((p) => ({ ...p, rows: rowsPerPart }));
  return { read, asked, spans };
}

const refused = (error: unknown): null => {
  if (error instanceof ClickHouseFailure && error.code === '158') return null;
  throw error;
};

describe('reading a scan by parts', () => {
  const older: [string, Row[]][] = Array.from({ length: 5 }, (_, h) => [`p${h}`, [at(T0 + h * 60 * MIN + 1, `o${h}`)]]);

  it('stops after the newest part when its page is newer than every older row', async () => {
    const newest = Array.from({ length: 30 }, (_, i) => at(range.toMs - i * 1_000, `n${i}`));
    const t = partsTable(new Map([...older, ['p5', newest]]));
    const r = await readByParts(range, 11, t.read, { partsOf: async () => t.spans(), order }, unbounded, FIVE_MIN, refused);
    expect(r && 'page' in r ? r.page.rows : null).toEqual(newest.slice(0, 11));
    expect(t.asked).toHaveLength(1);
    expect(t.asked[0]!.parts).toEqual({ names: ['p4', 'p3', 'p2', 'p1', 'p0'], exclude: true });
  });

  it('reads the older parts when the newest leaves the page short, and pages both in order', async () => {
    const t = partsTable(new Map([...older, ['p5', [at(range.toMs, 'n0')]]]));
    const r = await readByParts(range, 11, t.read, { partsOf: async () => t.spans(), order }, unbounded, FIVE_MIN, refused);
    expect(r && 'page' in r ? r.page.rows.map((x) => x.id) : null).toEqual(['n0', 'o4', 'o3', 'o2', 'o1', 'o0']);
    expect(r && 'page' in r ? r.page.rowsRead : null, 'each part read once').toBe(6_000);
    expect(t.asked[1]!.parts).toEqual({ names: ['p4', 'p3', 'p2', 'p1', 'p0'], exclude: false });
  });

  it('hands back what it read when the older parts are over the budget left, or merged away between the reads', async () => {
    const t = partsTable(new Map([...older, ['p5', [at(range.toMs, 'n0')]]]));
    const over = await readByParts(range, 11, t.read, { partsOf: async () => t.spans(), order }, { rows: 4_500, bounded: true }, FIVE_MIN, refused);
    expect(over).toEqual({ spent: { rowsRead: 1_000, elapsedMs: 1 } });

    let calls = 0;
    const mergedAway = async () => (calls++ === 0 ? t.spans() : [{ name: 'p0_4_1', fromMs: T0, toMs: T0 + 300 * MIN, rows: 5_000 }, t.spans()[5]!]);
    const gone = await readByParts(range, 11, t.read, { partsOf: mergedAway, order }, unbounded, FIVE_MIN, refused);
    expect(gone).toEqual({ spent: { rowsRead: 6_000, elapsedMs: 2 } });
  });
});

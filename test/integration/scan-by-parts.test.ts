/**
 * A search that scans text over a window bigger than one bounded read, on a table written in
 * time order as a gateway writes it (six hourly inserts, six parts): it reads no more rows than
 * the one query HyperDX runs over the window — no granule twice at a slice's edge — finds the
 * same spans, and a common word still fills its page from the newest part alone.
 */
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../electron/core/clickhouse/clickhouse-clients.js';
import { searchSpans } from '../../electron/core/traces/span-search.js';
import { fillSql } from '../bench/summary-fill.js';
import { sandboxLocation, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const H = 3600_000;
/** Spans per hourly insert: the window's root spans (a quarter) are over one bounded read (524,288 rows). */
const PER_HOUR = 400_000;
const HOURS = 6;
let sandbox: TestSandbox;
const now = Date.now();
const window = { fromMs: now - HOURS * H, toMs: now };

beforeAll(async () => {
  sandbox = await startTestSandbox();
  const client = createClient({ url: sandbox.clickhouse, log: { level: ClickHouseLogLevel.OFF }, request_timeout: 300_000 });
  try {
    // Oldest hour first, as traffic arrives; request r of each hour asks "Question r".
    for (let h = HOURS - 1; h >= 0; h--) await client.command({ query: fillSql(now - h * H, PER_HOUR, h * PER_HOUR, H - 1_000) });
  } finally {
    await client.close();
  }
}, 300_000);
afterAll(async () => {
  await sandbox?.dispose();
});

/** HyperDX's SQL for `SpanAttributes.tfy.input:<word>` over the window: one query, newest first. */
async function hyperdx(word: string, limit: number) {
  return queryRows(sandboxLocation(sandbox), {
    kind: 'search',
    sql: `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS tsNs, SpanId AS spanId FROM otel_traces
          WHERE Timestamp >= fromUnixTimestamp64Milli({f:Int64}) AND Timestamp <= fromUnixTimestamp64Milli({t:Int64})
            AND SpanAttributes['tfy.input'] ILIKE {w:String} AND indexHint(mapContains(SpanAttributes, 'tfy.input'))
          ORDER BY Timestamp DESC LIMIT ${limit}`,
    params: { f: window.fromMs, t: window.toMs, w: `%${word}%` },
    row: z.object({ tsNs: z.string(), spanId: z.string() }),
  });
}

describe('a scan over a window of several parts', () => {
  it('finds a rare word in every hour, reading exactly the rows of one query over the window', async () => {
    const ours = await searchSpans(sandboxLocation(sandbox), { ...window, query: 'SpanAttributes.tfy.input:12345', limit: 50 });
    const theirs = await hyperdx('12345', 50);
    expect(theirs.rows.length, 'request 12345 of each hour').toBe(HOURS);
    expect(ours.spans.map((s) => s.spanId)).toEqual(theirs.rows.map((r) => r.spanId));
    expect(ours.searchedFromMs, 'the whole window was searched').toBeNull();
    expect(ours.rowsRead, 'rows read, against HyperDX’s one query').toBeLessThanOrEqual(theirs.rowsRead);
  });

  it('fills the page of a common word from the newest part, reading a fraction of the window', async () => {
    const ours = await searchSpans(sandboxLocation(sandbox), { ...window, query: 'SpanAttributes.tfy.input:Question', limit: 50 });
    const theirs = await hyperdx('Question', 51);
    expect(ours.truncated).toBe(true);
    // Spans of the same nanosecond may come in either order: the page is the same times.
    expect(ours.spans.map((s) => s.tsNs)).toEqual(theirs.rows.slice(0, 50).map((r) => r.tsNs));
    expect(ours.rowsRead, 'the newest hour of six, at most').toBeLessThan(theirs.rowsRead / 3);
  });
});

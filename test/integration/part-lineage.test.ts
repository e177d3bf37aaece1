/**
 * A merge of the parts a summary slice was read from keeps its spans: the lineage must recognise
 * the real engine's merges (OPTIMIZE, as the background merges do) and must not take for a merge
 * what changes rows — parts it never saw, a delete, an update.
 */
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTracesTable } from '../../electron/core/clickhouse/traces-table.js';
import { PartLineage } from '../../electron/core/traces/part-lineage.js';
import { activeParts, type PartSpan } from '../../electron/core/traces/table-parts.js';
import { sandboxLocation, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox;
let client: ClickHouseClient;
/** One instant for every row: one partition (the table's is the day), whatever the hour. */
const atMs = Date.now() - 3600_000;
const window = { fromMs: atMs - 3600_000, toMs: atMs + 3600_000 };
const TABLE = 'default.otel_traces';

/** One INSERT, so one new part, of `n` spans. */
async function insertPart(n: number, tag: string) {
  await client.command({
    query: `INSERT INTO ${TABLE} (Timestamp, TraceId, SpanId, ServiceName, SpanName)
            SELECT fromUnixTimestamp64Milli(toInt64({at:Int64})), lower(hex(MD5(concat({tag:String}, toString(number))))), substring(lower(hex(MD5(toString(number)))), 1, 16), 'lineage-test', 'Model'
            FROM numbers({n:UInt64})`,
    query_params: { at: atMs, tag, n },
  });
}

async function parts(): Promise<PartSpan[]> {
  const t = await describeTracesTable(sandboxLocation(sandbox));
  const answer = await activeParts(sandboxLocation(sandbox), t, window.fromMs, window.toMs);
  if (!answer) throw new Error('the sandbox table lists no parts');
  return answer.parts;
}

const names = (ps: readonly PartSpan[]) => ps.map((p) => p.name).sort();

beforeAll(async () => {
  sandbox = await startTestSandbox();
  client = createClient({ url: sandbox.clickhouse });
}, 60_000);
afterAll(async () => {
  await client?.close();
  await sandbox?.dispose();
});

describe('the parts a slice was read from', () => {
  it('are still its parts after the engine merges them, and a part merged with one never seen is new', async () => {
    const lineage = new PartLineage();
    for (const tag of ['a', 'b', 'c']) await insertPart(40, tag);
    const first = await parts();
    const leaves = names(lineage.leavesOf('t', first, window));
    expect(leaves.length, 'at least one part was written').toBeGreaterThan(0);
    await client.command({ query: `OPTIMIZE TABLE ${TABLE} FINAL` });
    const merged = await parts();
    expect(names(merged), 'the engine rewrote the parts').not.toEqual(names(first));
    expect(names(lineage.leavesOf('t', merged, window)), 'the merged part stands for the parts first read').toEqual(leaves);
    // Rows the lineage never saw (inserted and merged between two looks) make the merged part new.
    await insertPart(25, 'd');
    await client.command({ query: `OPTIMIZE TABLE ${TABLE} FINAL` });
    const withUnseen = await parts();
    expect(names(lineage.leavesOf('t', withUnseen, window))).toEqual(names(withUnseen));
  });

  it('are still its parts after a merge, when the inserts spanned two days (two partitions)', async () => {
    const lineage = new PartLineage();
    const days = { fromMs: atMs - 25 * 3600_000, toMs: atMs + 3600_000 };
    const list = async () => (await activeParts(sandboxLocation(sandbox), await describeTracesTable(sandboxLocation(sandbox)), days.fromMs, days.toMs))!.parts;
    // Each INSERT writes one part per day, its blocks numbered across the table: day one's are 1, 3, 5….
    for (const tag of ['x', 'y', 'z']) {
      await client.command({
        query: `INSERT INTO ${TABLE} (Timestamp, TraceId, SpanId, ServiceName, SpanName)
                SELECT fromUnixTimestamp64Milli(toInt64({at:Int64}) - (number % 2) * 86400000), lower(hex(MD5(concat({tag:String}, toString(number))))), substring(lower(hex(MD5(toString(number)))), 1, 16), 'lineage-days', 'Model'
                FROM numbers(30)`,
        query_params: { at: atMs, tag },
      });
    }
    const first = await list();
    const leaves = names(lineage.leavesOf('days', first, days));
    expect(new Set(first.map((p) => p.blocks?.partition)).size, 'two partitions').toBeGreaterThanOrEqual(2);
    await client.command({ query: `OPTIMIZE TABLE ${TABLE} FINAL` });
    const merged = await list();
    expect(names(merged)).not.toEqual(names(first));
    expect(names(lineage.leavesOf('days', merged, days)), 'each day’s merged part stands for the parts first read').toEqual(leaves);
  });

  it('a delete or an update rewrites a part into a new one, not a merge', async () => {
    const lineage = new PartLineage();
    const before = names(lineage.leavesOf('t', await parts(), window));
    await client.command({ query: `ALTER TABLE ${TABLE} DELETE WHERE TraceId = lower(hex(MD5('a1')))`, clickhouse_settings: { mutations_sync: '1' } });
    const deleted = await parts();
    const afterDelete = names(lineage.leavesOf('t', deleted, window));
    expect(afterDelete, 'the mutated part is its own').toEqual(names(deleted));
    expect(afterDelete).not.toEqual(before);
    await client.command({ query: `ALTER TABLE ${TABLE} UPDATE StatusCode = 'Error' WHERE TraceId = lower(hex(MD5('b1')))`, clickhouse_settings: { mutations_sync: '1' } });
    const updated = await parts();
    expect(names(lineage.leavesOf('t', updated, window))).toEqual(names(updated));
    expect(names(updated)).not.toEqual(afterDelete);
  });
});

describe('a merge told from its blocks and rows', () => {
  const part = (name: string, min: number, max: number, rows: number, dataVersion = min): PartSpan => ({ name, fromMs: 0, toMs: 1000, rows, blocks: { partition: 'p', min, max, dataVersion } });

  const w = { fromMs: 0, toMs: 1000 };
  const three = ['p_1_1_0', 'p_2_2_0', 'p_3_3_0'];
  const seen = () => {
    const l = new PartLineage();
    l.leavesOf('t', [part('p_1_1_0', 1, 1, 10), part('p_2_2_0', 2, 2, 5), part('p_3_3_0', 3, 3, 7)], w);
    return l;
  };

  it('needs the parts seen to tile its blocks, hold its rows and be unmutated', () => {
    expect(names(seen().leavesOf('t', [part('p_1_3_1', 1, 3, 22)], w))).toEqual(three);
    expect(names(seen().leavesOf('t', [part('p_1_3_1', 1, 3, 21)], w)), 'a row fewer (a TTL dropped it)').toEqual(['p_1_3_1']);
    expect(names(seen().leavesOf('t', [part('p_1_4_1', 1, 4, 22)], w)), 'a block never seen').toEqual(['p_1_4_1']);
    expect(names(seen().leavesOf('t', [part('p_1_3_1_9', 1, 3, 22, 9)], w)), 'mutated').toEqual(['p_1_3_1_9']);
    const twice = seen();
    twice.leavesOf('t', [part('p_1_2_1', 1, 2, 15), part('p_3_3_0', 3, 3, 7)], w);
    expect(names(twice.leavesOf('t', [part('p_1_3_2', 1, 3, 22)], w)), 'a merge of a merge').toEqual(three);
  });

  it('takes a merge of parts whose blocks skip those of another partition (blocks are numbered across the table)', () => {
    const l = new PartLineage();
    const other = (name: string, n: number): PartSpan => ({ ...part(name, n, n, 4), blocks: { partition: 'q', min: n, max: n, dataVersion: n } });
    l.leavesOf('t', [part('p_1_1_0', 1, 1, 10), other('q_2_2_0', 2), part('p_3_3_0', 3, 3, 7), other('q_4_4_0', 4)], w);
    expect(names(l.leavesOf('t', [part('p_1_3_1', 1, 3, 17), other('q_2_2_0', 2), other('q_4_4_0', 4)], w))).toEqual(['p_1_1_0', 'p_3_3_0', 'q_2_2_0', 'q_4_4_0']);
    const overlapping = new PartLineage();
    overlapping.leavesOf('t', [part('p_1_2_1', 1, 2, 10), part('p_2_3_1', 2, 3, 7)], w);
    expect(names(overlapping.leavesOf('t', [part('p_1_3_2', 1, 3, 17)], w)), 'parts that overlap are no merge').toEqual(['p_1_3_2']);
  });

  it('forgets nothing outside the window it was asked about', () => {
    const l = seen();
    l.leavesOf('t', [], { fromMs: 5000, toMs: 6000 });
    expect(names(l.leavesOf('t', [part('p_1_3_1', 1, 3, 22)], w))).toEqual(three);
  });
});

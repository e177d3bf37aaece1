/**
 * The table's active parts and the time each covers (system.parts: its partition key's minmax of
 * Timestamp): a part is written once, so while the parts holding some minutes stay the same, so
 * do those minutes' rows. The summary slices' first fingerprint (summary-slices.ts), and how a
 * scan reads its newest rows without reading a granule twice (newest-parts.ts).
 */
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import { ClickHouseFailure } from '../clickhouse/clickhouse-failure.js';
import type { TracesLocation } from '../clickhouse/server.js';
import type { TracesTable } from '../clickhouse/traces-table.js';
import { MINUTE_MS, type Minutes } from './summary-slices.js';

export interface PartSpan {
  name: string;
  fromMs: number;
  /** The part's last row's second, to its end. */
  toMs: number;
  /** All of the part's rows, in the window or not. */
  rows: number;
  /** Where it sits among the partition's inserts: what tells a merge from new rows (part-lineage.ts). */
  blocks?: { partition: string; min: number; max: number; dataVersion: number };
}

const count = z.union([z.number(), z.string()]).transform(Number);
const PartRow = z.object({ name: z.string(), rows: count, minS: count, maxS: count, partition: z.string(), minBlock: count, maxBlock: count, dataVersion: count });

/**
 * The active parts with rows in [fromMs, toMs], or null when they cannot tell: no parts of its own
 * (View, Merge, Distributed), a user who may not read system.parts, or parts without times (a
 * partition key not on Timestamp).
 */
export async function activeParts(location: TracesLocation, t: TracesTable, fromMs: number, toMs: number): Promise<{ parts: PartSpan[]; elapsedMs: number } | null> {
  if (!/MergeTree$/.test(t.engine)) return null;
  try {
    const answer = await queryRows(location, {
      kind: 'search',
      sql: `SELECT name, rows, toUnixTimestamp(min_time) AS minS, toUnixTimestamp(max_time) AS maxS, partition_id AS partition, min_block_number AS minBlock, max_block_number AS maxBlock, data_version AS dataVersion FROM system.parts
            WHERE database = {d:String} AND table = {t:String} AND active AND max_time >= toDateTime(intDiv({f:Int64}, 1000)) AND min_time <= toDateTime(intDiv({to:Int64}, 1000))`,
      params: { d: location.database, t: location.table, f: fromMs, to: toMs },
      row: PartRow,
    });
    if (answer.rows.some((p) => p.minS === 0)) return null;
    return {
      parts: answer.rows.map((p) => ({ name: p.name, fromMs: p.minS * 1000, toMs: p.maxS * 1000 + 999, rows: p.rows, blocks: { partition: p.partition, min: p.minBlock, max: p.maxBlock, dataVersion: p.dataVersion } })),
      elapsedMs: answer.elapsedMs,
    };
  } catch (error) {
    if (error instanceof ClickHouseFailure && error.failure === 'no-access') return null;
    throw error;
  }
}

/** The table's parts in a window, as a scan read by parts asks for them (newest-parts.ts ByParts.partsOf). */
export function partsLister(location: TracesLocation, t: TracesTable): (range: { fromMs: number; toMs: number }) => Promise<PartSpan[] | null> {
  return async (range) => (await activeParts(location, t, range.fromMs, range.toMs))?.parts ?? null;
}

/** The names of the parts (or of the parts they were merged from: part-lineage.ts) with rows in these minutes, as one string. */
export function partsSignature(parts: readonly PartSpan[], m: Minutes): string {
  const from = m.first * MINUTE_MS;
  const to = (m.last + 1) * MINUTE_MS - 1;
  return parts
    .filter((p) => p.toMs >= from && p.fromMs <= to)
    .map((p) => p.name)
    .sort()
    .join(' ');
}

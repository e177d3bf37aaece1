/**
 * The attribute keys a table holds, for suggestions and autocomplete (a recent sample, cached),
 * and an exact check that a key occurs in a time range (served by the mapKeys bloom filter),
 * so a search naming a key no span has is an error that says so — never a silent empty list.
 */
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import { quoteName, serverKey, type TracesLocation } from '../clickhouse/server.js';
import type { AttributeMap, TableLayout } from '../clickhouse/table-layout.js';
import { attributeExistsSql, attributeKeysSql } from '../semantics/span-columns-sql.js';

/** How long a sample of keys is trusted, and how much of the table it reads. */
export const KEYS_CACHE_MS = 5 * 60_000;
const SAMPLE_ROWS = 20_000;
const MAX_KEYS = 2_000;

export interface KnownKeys {
  span: string[];
  resource: string[];
}

const cache = new Map<string, { at: number; keys: Promise<KnownKeys> }>();

function table(l: TracesLocation): string {
  return `${quoteName(l.database)}.${quoteName(l.table)}`;
}

async function sample(l: TracesLocation, layout: TableLayout): Promise<KnownKeys> {
  const { rows } = await queryRows(l, {
    kind: 'search',
    database: l.database,
    sql: `SELECT arraySlice(arraySort(groupUniqArrayArray(${attributeKeysSql(layout, 'SpanAttributes')})), 1, ${MAX_KEYS}) AS span,
                 arraySlice(arraySort(groupUniqArrayArray(${attributeKeysSql(layout, 'ResourceAttributes')})), 1, ${MAX_KEYS}) AS resource
          FROM (SELECT SpanAttributes, ResourceAttributes FROM ${table(l)} WHERE Timestamp >= now64(3) - INTERVAL 1 DAY ORDER BY Timestamp DESC LIMIT ${SAMPLE_ROWS})`,
    row: z.object({ span: z.array(z.string()), resource: z.array(z.string()) }),
  });
  return rows[0] ?? { span: [], resource: [] };
}

/** Keys seen in the most recent spans of the last day (cached). */
export function knownKeys(l: TracesLocation, layout: TableLayout, now = Date.now()): Promise<KnownKeys> {
  const key = `${serverKey(l, l.database)}|${l.table}`;
  const hit = cache.get(key);
  if (hit && now - hit.at < KEYS_CACHE_MS) return hit.keys;
  const keys = sample(l, layout);
  cache.set(key, { at: now, keys });
  keys.catch(() => cache.delete(key));
  return keys;
}

/** Whether any span in the range carries the key. */
export async function keyOccurs(l: TracesLocation, layout: TableLayout, map: AttributeMap, key: string, fromMs: number, toMs: number): Promise<boolean> {
  const { rows } = await queryRows(l, {
    kind: 'search',
    database: l.database,
    sql: `SELECT 1 AS hit FROM ${table(l)}
          WHERE Timestamp >= fromUnixTimestamp64Milli({f:Int64}) AND Timestamp <= fromUnixTimestamp64Milli({t:Int64}) AND ${attributeExistsSql(layout, map, '{k:String}')}
          LIMIT 1`,
    params: { f: fromMs, t: toMs, k: key },
    row: z.object({ hit: z.union([z.number(), z.string()]) }),
  });
  return rows.length > 0;
}

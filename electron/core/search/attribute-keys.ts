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

/** How long a sample of keys is fresh; an older one is still answered at once while a new one is read. */
export const KEYS_CACHE_MS = 5 * 60_000;
/**
 * What a sample reads: the map keys (never the values) of the spans of the newest minutes, at
 * most this many rows whatever the table's size. The sort key is (ServiceName, SpanName, time),
 * so a time slice holds every kind of span, where the first N rows of a day would hold one.
 */
export const SAMPLE_MINUTES = 15;
export const SAMPLE_MAX_ROWS = 2_000_000;
const MAX_KEYS = 2_000;

export interface KnownKeys {
  span: string[];
  resource: string[];
}

interface SampleEntry {
  at: number;
  keys: Promise<KnownKeys>;
  refreshing: boolean;
  /** The sample once read. */
  value?: KnownKeys;
}

const cache = new Map<string, SampleEntry>();

function table(l: TracesLocation): string {
  return `${quoteName(l.database)}.${quoteName(l.table)}`;
}

const Sample = z.object({ span: z.array(z.string()), resource: z.array(z.string()) });

/** The keys of the spans since `since` (a SQL time), reading the keys subcolumns only and at most SAMPLE_MAX_ROWS rows. */
async function sampleSince(l: TracesLocation, layout: TableLayout, since: string): Promise<KnownKeys> {
  const { rows } = await queryRows(l, {
    kind: 'search',
    database: l.database,
    // A busy table stops at the budget with what it has read (a sample): a LIMIT without ORDER BY
    // stops the read there, as read_overflow_mode = 'break' would, and asks no setting of a read-only user.
    sql: `SELECT arraySlice(arraySort(groupUniqArrayArray(spanKeys)), 1, ${MAX_KEYS}) AS span,
                 arraySlice(arraySort(groupUniqArrayArray(resourceKeys)), 1, ${MAX_KEYS}) AS resource
          FROM (SELECT ${attributeKeysSql(layout, 'SpanAttributes')} AS spanKeys, ${attributeKeysSql(layout, 'ResourceAttributes')} AS resourceKeys
                FROM ${table(l)} WHERE Timestamp >= ${since} LIMIT ${SAMPLE_MAX_ROWS})`,
    row: Sample,
  });
  return rows[0] ?? { span: [], resource: [] };
}

/** The newest minutes' keys; a table quiet for that long is sampled over its last day instead (same row budget). */
async function sample(l: TracesLocation, layout: TableLayout): Promise<KnownKeys> {
  const recent = await sampleSince(l, layout, `now64(3) - INTERVAL ${SAMPLE_MINUTES} MINUTE`);
  if (recent.span.length + recent.resource.length > 0) return recent;
  return sampleSince(l, layout, 'now64(3) - INTERVAL 1 DAY');
}

/**
 * Keys seen in the newest spans (cached per table). A stale sample is answered at once and
 * refreshed behind it, so only the first search of a process waits for one.
 */
export function knownKeys(l: TracesLocation, layout: TableLayout, now = Date.now()): Promise<KnownKeys> {
  const key = `${serverKey(l, l.database)}|${l.table}`;
  const hit = cache.get(key);
  if (hit && now - hit.at < KEYS_CACHE_MS) return hit.keys;
  if (hit) {
    if (!hit.refreshing) {
      hit.refreshing = true;
      sample(l, layout).then(
        (keys) => cache.set(key, { at: Date.now(), keys: Promise.resolve(keys), refreshing: false, value: keys }),
        () => (hit.refreshing = false),
      );
    }
    return hit.keys;
  }
  const keys = sample(l, layout);
  const entry: SampleEntry = { at: now, keys, refreshing: false };
  cache.set(key, entry);
  keys.then(
    (v) => (entry.value = v),
    () => cache.delete(key),
  );
  return keys;
}

/**
 * The sample of keys if one has been read, without reading one: null until completion (or a
 * failed search's suggestions) asked for keys. A search checks its keys exactly instead (keyOccurs,
 * served by the key index): on 10 M spans waiting for a sample cost a first search 130–440 ms, and
 * reading one beside it slowed the search as much (two cores).
 */
export function sampledKeys(l: TracesLocation): KnownKeys | null {
  return cache.get(`${serverKey(l, l.database)}|${l.table}`)?.value ?? null;
}

/** Where a span carrying a key was found, per table and map: a later range that holds that time needs no new check. */
const found = new Map<string, number>();
const FOUND_MAX = 500;

/**
 * Whether any span in the range carries the key. A positive answer is remembered with the time of
 * the span found, so refining a search (or the next page, or the summary beside the list) does not
 * ask again: keys are not removed from spans, only aged out of the range.
 */
export async function keyOccurs(l: TracesLocation, layout: TableLayout, map: AttributeMap, key: string, fromMs: number, toMs: number): Promise<boolean> {
  const id = `${serverKey(l, l.database)}|${l.table}|${map}|${key}`;
  const at = found.get(id);
  if (at !== undefined && at >= fromMs && at <= toMs) return true;
  const { rows } = await queryRows(l, {
    kind: 'search',
    database: l.database,
    sql: `SELECT toUnixTimestamp64Milli(Timestamp) AS atMs FROM ${table(l)}
          WHERE Timestamp >= fromUnixTimestamp64Milli({f:Int64}) AND Timestamp <= fromUnixTimestamp64Milli({t:Int64}) AND ${attributeExistsSql(layout, map, '{k:String}')}
          LIMIT 1`,
    params: { f: fromMs, t: toMs, k: key },
    row: z.object({ atMs: z.union([z.number(), z.string()]).transform(Number) }),
  });
  const hit = rows[0];
  if (!hit) return false;
  if (found.size >= FOUND_MAX) found.clear();
  found.set(id, hit.atMs);
  return true;
}

/**
 * Finds the traces table and learns what it is — engine, server version, layout, skip
 * indexes — once per server and table, cached until a profile changes or a query says the
 * table changed under us.
 */
import { z } from 'zod';
import { queryRows, type CallKind } from './clickhouse-clients.js';
import { ClickHouseFailure } from './clickhouse-failure.js';
import { TRACES_TABLE, serverKey, type ClickHouseServer, type TracesLocation } from './server.js';
import { forgetRememberedTable, rememberedTable, rememberTable, type RememberedTable } from './remembered-tables.js';
import { detectLayout, type TableLayout } from './table-layout.js';

export interface TracesTable {
  location: TracesLocation;
  engine: string;
  engineFull: string;
  serverVersion: string;
  layout: TableLayout;
}

/** ClickHouse codes that mean the table is not what we cached: unknown column, table or database. */
const SCHEMA_CHANGED_CODES = new Set(['16', '47', '60', '81']);

const cache = new Map<string, Promise<TracesTable>>();

function cacheKey(l: TracesLocation): string {
  return `${serverKey(l, l.database)}|${l.table}`;
}

/** Databases holding an otel_traces table, the collector's default first, then ClickHouse's guides' `otel`. */
export async function findTracesDatabases(server: ClickHouseServer, kind: CallKind = 'check'): Promise<string[]> {
  const { rows } = await queryRows(server, {
    kind,
    sql: `SELECT database FROM system.tables WHERE name = {t:String}
          ORDER BY database = 'default' DESC, database = 'otel' DESC, database`,
    params: { t: TRACES_TABLE },
    row: z.object({ database: z.string() }),
  });
  return rows.map((r) => r.database);
}

const Column = z.tuple([z.string(), z.string()]).transform(([name, type]) => ({ name, type }));
const SkipIndex = z.tuple([z.string(), z.string(), z.string()]).transform(([name, type, expr]) => ({ name, type, expr }));

/** Tables taken from the file and not yet described by the server in this run. */
const kept = new WeakSet<TracesTable>();

async function describe(l: TracesLocation): Promise<TracesTable> {
  // One round trip: a fresh process's first search waits for it (three queries in parallel cost ~50 ms each on the sandbox, one ~20).
  const table = await queryRows(l, {
    kind: 'check',
    sql: `SELECT engine, engine_full AS engineFull, version() AS serverVersion,
                 (SELECT groupArray(tuple(name, type)) FROM system.columns WHERE database = {d:String} AND table = {t:String}) AS columns,
                 (SELECT groupArray(tuple(name, type, expr)) FROM system.data_skipping_indices WHERE database = {d:String} AND table = {t:String}) AS indexes
          FROM system.tables WHERE database = {d:String} AND name = {t:String}`,
    params: { d: l.database, t: l.table },
    row: z.object({ engine: z.string(), engineFull: z.string(), serverVersion: z.string(), columns: z.array(Column), indexes: z.array(SkipIndex) }),
  });
  const info = table.rows[0];
  if (!info) {
    forgetRememberedTable(l);
    throw new ClickHouseFailure('no-table', `There is no ${l.table} in ${l.database}.`, 'Run the ClickHouse step in Setup so the profile reads the right database.', '60');
  }
  rememberTable(l, info);
  return tableOf(l, info);
}

function tableOf(l: TracesLocation, info: Omit<RememberedTable, 'seenAt'>): TracesTable {
  return { location: l, engine: info.engine, engineFull: info.engineFull, serverVersion: info.serverVersion, layout: detectLayout(info.columns, info.indexes) };
}

/** A description kept from an earlier run is checked again this long after it is first used, off the first search's path. */
export const RECHECK_REMEMBERED_MS = 2_000;

export function describeTracesTable(location: TracesLocation, options: { refresh?: boolean } = {}): Promise<TracesTable> {
  const key = cacheKey(location);
  if (!options.refresh) {
    const hit = cache.get(key);
    if (hit) return hit;
    const facts = rememberedTable(location);
    if (facts) {
      const table = tableOf(location, facts);
      kept.add(table);
      const remembered = Promise.resolve(table);
      cache.set(key, remembered);
      // Described again in the background; what it finds replaces the kept one (a failure leaves it, and
      // a query that fails on it describes the table again at once: withTracesTable). A newer description
      // (a refresh in between) is left as it is.
      setTimeout(() => {
        if (cache.get(key) !== remembered) return;
        const fresh = describe(location);
        cache.set(key, fresh);
        fresh.catch(() => {
          if (cache.get(key) === fresh) cache.set(key, remembered);
        });
      }, RECHECK_REMEMBERED_MS).unref();
      return remembered;
    }
  }
  const pending = describe(location);
  cache.set(key, pending);
  // A failed look-up is not remembered: the next call asks again.
  pending.catch(() => {
    if (cache.get(key) === pending) cache.delete(key);
  });
  return pending;
}

/** Forgets what was learnt about tables on this server (a profile edit), or about all of them. */
export function forgetTracesTables(server?: ClickHouseServer): void {
  if (!server) return cache.clear();
  const prefix = serverKey(server).split('|').slice(0, 3).join('|');
  for (const key of cache.keys()) if (key.startsWith(prefix)) cache.delete(key);
}

/** Runs a query against the described table; if the table changed under the cache, learns it again and retries once. */
export async function withTracesTable<T>(location: TracesLocation, run: (table: TracesTable) => Promise<T>): Promise<T> {
  const table = await describeTracesTable(location);
  try {
    return await run(table);
  } catch (error) {
    if (!(error instanceof ClickHouseFailure)) throw error;
    // A description kept from an earlier run may be out of date in more ways than a missing column
    // (a server upgraded, a setting gone): any query failure on it asks the server once.
    const stale = (error.code !== null && SCHEMA_CHANGED_CODES.has(error.code)) || (kept.has(table) && error.failure === 'query');
    if (!stale) throw error;
    return run(await describeTracesTable(location, { refresh: true }));
  }
}

/**
 * What traces-table.ts learnt about each table, kept in a file between runs, so the first search
 * after a start does not wait for the table to be described (it is described again in the
 * background). Only schema facts are kept — engine, version, columns, skip indexes — keyed by
 * server URL, user, database and table; never a password or anything derived from one.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { logger } from '../log.js';
import type { TracesLocation } from './server.js';

const log = logger('clickhouse');

export const RememberedTable = z.object({
  engine: z.string(),
  engineFull: z.string(),
  serverVersion: z.string(),
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  indexes: z.array(z.object({ name: z.string(), type: z.string(), expr: z.string() })),
  /** When it was described (ms): the newest are kept. */
  seenAt: z.number(),
});
export type RememberedTable = z.infer<typeof RememberedTable>;

const RememberedFile = z.object({ version: z.literal(1), tables: z.record(z.string(), RememberedTable) });

/** A file of a few tables, not of every server ever tried. */
export const MAX_REMEMBERED_TABLES = 20;

let file: string | null = null;
let tables: Map<string, RememberedTable> | null = null;

/** Keeps descriptions in `path` from now on (the composition root calls this); null keeps them in memory only. */
export function rememberTablesIn(path: string | null): void {
  file = path;
  tables = null;
}

/** The server's URL without any user, password or query string written into it (`?password=` is a URL ClickHouse accepts). */
function urlWithoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//').replace(/[?#].*$/, '');
  }
}

export function rememberedKey(l: TracesLocation): string {
  return JSON.stringify([urlWithoutCredentials(l.url), l.user, l.database, l.table]);
}

function load(): Map<string, RememberedTable> {
  if (tables) return tables;
  tables = new Map();
  if (!file) return tables;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return tables; // Not written yet.
  }
  try {
    const parsed = RememberedFile.safeParse(JSON.parse(text));
    if (parsed.success) tables = new Map(Object.entries(parsed.data.tables));
    else log.warn(`${file} does not hold table descriptions this version reads; the tables will be described again.`);
  } catch {
    log.warn(`${file} is not valid JSON; the tables will be described again.`);
  }
  return tables;
}

function save(): void {
  if (!file || !tables) return;
  const newest = [...tables.entries()].sort((a, b) => b[1].seenAt - a[1].seenAt).slice(0, MAX_REMEMBERED_TABLES);
  tables = new Map(newest);
  // The data folder is the app's; one that is gone (a removed test folder) is not made again.
  if (!existsSync(dirname(file))) return;
  // Written beside and renamed over: another process reading it never sees half a file.
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify({ version: 1, tables: Object.fromEntries(newest) }), { mode: 0o600 });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    log.warn(`Could not keep table descriptions in ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function rememberedTable(l: TracesLocation): RememberedTable | null {
  return load().get(rememberedKey(l)) ?? null;
}

/** A kept description's time is renewed at most this often when nothing else changed: the file is not rewritten at every start. */
const RENEW_SEEN_MS = 24 * 3600_000;

/** Keeps a table's description. */
export function rememberTable(l: TracesLocation, t: Omit<RememberedTable, 'seenAt'>, now = Date.now()): void {
  const key = rememberedKey(l);
  const before = load().get(key);
  const facts = (x: Omit<RememberedTable, 'seenAt'>) => JSON.stringify([x.engine, x.engineFull, x.serverVersion, x.columns, x.indexes]);
  const same = before !== undefined && facts(before) === facts(t);
  if (same && now - before.seenAt < RENEW_SEEN_MS) return;
  load().set(key, { engine: t.engine, engineFull: t.engineFull, serverVersion: t.serverVersion, columns: t.columns, indexes: t.indexes, seenAt: now });
  save();
}

export function forgetRememberedTable(l: TracesLocation): void {
  if (load().delete(rememberedKey(l))) save();
}

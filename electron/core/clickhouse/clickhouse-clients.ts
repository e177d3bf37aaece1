/**
 * The only place in the core that creates ClickHouse clients: one per server, credentials and
 * database, reused across calls, with a named deadline per kind of call. Answers are always
 * JSON with statistics, so every caller gets rows read and elapsed time the same way.
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { z } from 'zod';
import { ClickHouseFailure, toClickHouseFailure } from './clickhouse-failure.js';
import { serverKey, type ClickHouseServer } from './server.js';
import { nextQueryOfCall } from './running-queries.js';
import { hintsFor, learnRefusedHint } from './setting-hints.js';

/** How long each kind of call may take before it is given up. */
export const CALL_TIMEOUT_MS = {
  /** Setup checks: a person is waiting on a spinner. */
  check: 8_000,
  /** Health polls: the poller has its own deadline too. */
  probe: 10_000,
  landing: 10_000,
  tail: 15_000,
  search: 30_000,
} as const;
export type CallKind = keyof typeof CALL_TIMEOUT_MS;

/** Clients beyond this many are closed oldest first (profiles edited many times, tests). */
const MAX_CLIENTS = 32;

const clients = new Map<string, ClickHouseClient>();

function clientFor(server: ClickHouseServer, database: string): ClickHouseClient {
  const key = serverKey(server, database);
  const existing = clients.get(key);
  if (existing) {
    // Most recently used last, so the oldest is first to go.
    clients.delete(key);
    clients.set(key, existing);
    return existing;
  }
  const client = createClient({
    url: server.url,
    username: server.user,
    password: server.password,
    database: database || 'default',
    // The per-call deadlines below are shorter; this only bounds a call that forgot one.
    request_timeout: Math.max(...Object.values(CALL_TIMEOUT_MS)) + 5_000,
    application: 'clickstack-tray',
    log: { level: ClickHouseLogLevel.OFF },
  });
  clients.set(key, client);
  while (clients.size > MAX_CLIENTS) {
    const [oldestKey, oldest] = clients.entries().next().value!;
    clients.delete(oldestKey);
    void oldest.close();
  }
  return client;
}

export interface QueryOptions<T> {
  kind: CallKind;
  sql: string;
  params?: Record<string, unknown>;
  /** The database unqualified table names resolve in; 'default' when absent. */
  database?: string;
  signal?: AbortSignal;
  /** Settings the answer depends on (a row bound, SQL mode's limits): a user who may not set them gets the failure. */
  settings?: ClickHouseSettings;
  /** Settings that only make the query cheaper or easier to stop: left out for a user who may not change them (setting-hints.ts). */
  hints?: ClickHouseSettings;
  row: z.ZodType<T>;
  timeoutMs?: number;
}

export interface QueryAnswer<T> {
  rows: T[];
  rowsRead: number;
  elapsedMs: number;
}

/**
 * ClickHouse's JSONCompact answer: the columns named once in `meta`, each row an array of values.
 * A page of 900 spans as JSON objects was 467 KB, each name repeated on every row; sent and
 * parsed that way it cost a few ms more than reading the rows did (measured on the sandbox).
 */
const JsonAnswer = z.object({
  meta: z.array(z.object({ name: z.string() })),
  data: z.array(z.array(z.unknown())),
  statistics: z.object({ rows_read: z.union([z.number(), z.string()]), elapsed: z.number() }).optional(),
});

/** One answer row as the object its schema reads: the values under their columns' names. */
function rowObject(names: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
  return row;
}

/**
 * A JSON answer, or the exception ClickHouse wrote into it: once the status line has gone out, a
 * server that fails mid-answer (a broken part, a checksum mismatch) appends `Code: N. DB::Exception:`
 * to the body, which would otherwise surface as "Unexpected non-whitespace character after JSON".
 */
function parseAnswer(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const exception = /Code: (\d+)\. DB::Exception: ([^\n]*)/.exec(text);
    if (exception) throw new ClickHouseFailure('query', `ClickHouse failed in the middle of its answer: ${exception[2]!.slice(0, 300)}`, 'The table may have a damaged part; the server log names it.', exception[1]!, { cause: error });
    throw new ClickHouseFailure('query', 'ClickHouse sent an answer that is not JSON.', 'Check that the URL is ClickHouse’s HTTP interface, not a proxy page.', null, { cause: error });
  }
}

/** Runs one SELECT; every failure comes back as a ClickHouseFailure with its kind. */
export async function queryRows<T>(server: ClickHouseServer, o: QueryOptions<T>): Promise<QueryAnswer<T>> {
  // A query of a call the person may cancel carries the call's id and stops with it.
  const call = nextQueryOfCall(server);
  // A closed connection stops a read-only query on the server too (the cancel path's second line of defence; KILL QUERY is the first).
  const wanted: ClickHouseSettings = call ? { cancel_http_readonly_queries_on_client_close: 1, ...o.hints } : { ...o.hints };
  for (;;) {
    const hints = hintsFor(server, wanted);
    try {
      return await sendQuery(server, o, call, { ...hints, ...o.settings });
    } catch (error) {
      // A user who may not change settings runs the query without the hints (each refusal is learnt once).
      if (!learnRefusedHint(server, error, hints)) throw error;
    }
  }
}

async function sendQuery<T>(server: ClickHouseServer, o: QueryOptions<T>, call: ReturnType<typeof nextQueryOfCall>, settings: ClickHouseSettings): Promise<QueryAnswer<T>> {
  const timeoutMs = o.timeoutMs ?? CALL_TIMEOUT_MS[o.kind];
  const deadline = AbortSignal.timeout(timeoutMs);
  const callers = [o.signal, call?.signal].filter((s): s is AbortSignal => s !== undefined);
  const signal = callers.length > 0 ? AbortSignal.any([deadline, ...callers]) : deadline;
  let answer: unknown;
  try {
    const rs = await clientFor(server, o.database ?? 'default').query({
      query: o.sql,
      query_params: o.params ?? {},
      format: 'JSONCompact',
      abort_signal: signal,
      ...(call ? { query_id: call.queryId } : {}),
      clickhouse_settings: settings,
    });
    answer = parseAnswer(await rs.text());
  } catch (error) {
    // The caller's own abort (a poll deadline, a stopped tail) is its business, not a ClickHouse failure.
    const aborted = [o.signal, call?.signal].find((s) => s?.aborted);
    if (aborted && !deadline.aborted) throw aborted.reason instanceof Error ? aborted.reason : error;
    throw toClickHouseFailure(error, server.url, timeoutMs, deadline.aborted);
  }
  // A row that does not parse is our bug or a table we misread, not a network failure: let it say so.
  const body = JsonAnswer.parse(answer);
  const names = body.meta.map((m) => m.name);
  return {
    rows: body.data.map((r) => o.row.parse(rowObject(names, r))),
    rowsRead: Number(body.statistics?.rows_read ?? 0),
    elapsedMs: Math.round((body.statistics?.elapsed ?? 0) * 1000),
  };
}

/** Closes every client (a CLI command ending, a test run). */
export async function closeAllClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.allSettled(all.map((c) => c.close()));
}

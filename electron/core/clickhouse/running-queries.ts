/**
 * The long queries a person started and may stop: each contract call with a queryId runs inside
 * a context (AsyncLocalStorage) that every ClickHouse query it issues picks up, so the call's
 * queries carry `query_id = <queryId>:<n>`, share one abort signal and report progress together,
 * without each query builder passing a handle along.
 *
 * Progress comes from system.processes, polled on a second connection: ClickHouse's
 * X-ClickHouse-Progress headers arrive as one header block that Node's HTTP parser hands over only
 * when the answer starts, which is too late to show. Cancel closes the connection and runs
 * KILL QUERY for the call's ids, so the server stops reading too; so does a call's query that
 * reached its deadline.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { z } from 'zod';
import type { ClickHouseServer } from './server.js';
import { ClickHouseFailure } from './clickhouse-failure.js';
import type { QueryProgress } from '../../shared/trace-queries-schema.js';

/** Progress is reported for a call still running after this long, then this often. */
export const PROGRESS_AFTER_MS = 1_000;
export const PROGRESS_EVERY_MS = 500;

interface CallContext {
  queryId: string;
  signal: AbortSignal;
  /** How many ClickHouse queries the call has started (the next one's suffix). */
  issued: number;
  servers: Set<ClickHouseServer>;
}

const context = new AsyncLocalStorage<CallContext>();

/** The query_id and abort signal of the next ClickHouse query of the current call, if it has a queryId. */
export function nextQueryOfCall(server: ClickHouseServer): { queryId: string; signal: AbortSignal } | null {
  const call = context.getStore();
  if (!call) return null;
  call.servers.add(server);
  call.issued += 1;
  return { queryId: `${call.queryId}:${call.issued}`, signal: call.signal };
}

/**
 * The ClickHouse-side runner the registry needs: one statement, rows as records. A progress poll
 * is `quick`: it gives up within a poll interval rather than wait behind a busy server (the
 * sandbox runs one statement at a time), and the next poll tries again.
 */
export type ControlQuery = (server: ClickHouseServer, sql: string, params: Record<string, unknown>, quick: boolean) => Promise<Record<string, unknown>[]>;

const ProcessesRow = z.object({ rows: z.coerce.number(), bytes: z.coerce.number(), total: z.coerce.number(), elapsed: z.coerce.number(), n: z.coerce.number() });

/** A call's queries are the ones whose id starts with "<queryId>:". */
const OF_CALL = 'startsWith(query_id, {prefix:String})';

export class CancelledError extends Error {
  constructor(message = 'The query was cancelled.') {
    super(message);
    this.name = 'CancelledError';
  }
}

interface Running {
  controller: AbortController;
  call: CallContext;
  startedAt: number;
}

/** How long query.cancel waits for ClickHouse to acknowledge KILL QUERY before answering. */
const KILL_ANSWER_WAIT_MS = 300;
/** A cancel can overtake its call (the call still resolving its profile): it waits this long for the call to start. */
const EARLY_CANCEL_MS = 60_000;
/** Ids remembered (ended calls, early cancels): enough for a page's worth of superseded searches. */
const REMEMBERED_IDS = 1_000;

/** Adds to a bounded insertion-ordered map, dropping the oldest. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > REMEMBERED_IDS) map.delete(map.keys().next().value!);
}

export class RunningQueries {
  private readonly running = new Map<string, Running>();
  private readonly ended = new Map<string, true>();
  /** Cancels that arrived before their call started (a newer search superseding one at once): the call is refused when it comes. */
  private readonly cancelledEarly = new Map<string, number>();

  constructor(
    private readonly control: ControlQuery,
    private readonly onProgress: (p: z.infer<typeof QueryProgress>) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs a call under its queryId. A second call with the same id is refused: ids name one call.
   * Without an id the call runs as before (the CLI, the tail, health polls).
   */
  async run<T>(queryId: string | undefined, task: () => Promise<T>): Promise<T> {
    if (!queryId) return task();
    if (this.running.has(queryId)) throw new Error(`A query with id ${queryId} is already running.`);
    const early = this.cancelledEarly.get(queryId);
    if (early !== undefined) {
      this.cancelledEarly.delete(queryId);
      if (this.now() - early < EARLY_CANCEL_MS) {
        remember(this.ended, queryId, true);
        throw new CancelledError();
      }
    }
    const controller = new AbortController();
    const call: CallContext = { queryId, signal: controller.signal, issued: 0, servers: new Set() };
    const entry: Running = { controller, call, startedAt: this.now() };
    this.running.set(queryId, entry);
    let timer: NodeJS.Timeout | null = null;
    const poll = () => {
      timer = setTimeout(() => {
        void this.progressOf(entry).finally(() => {
          if (this.running.get(queryId) === entry) poll();
        });
      }, timer === null ? PROGRESS_AFTER_MS : PROGRESS_EVERY_MS);
    };
    poll();
    try {
      return await context.run(call, task);
    } catch (error) {
      if (controller.signal.aborted) throw new CancelledError();
      // A query given up at its deadline may still run on the server (a read-only user cannot ask
      // for cancel-on-close): it is told to stop, as Cancel tells it; the deadline's answer stands.
      if (error instanceof ClickHouseFailure && error.failure === 'timeout') void this.kill(entry).catch(() => undefined);
      throw error;
    } finally {
      if (timer) clearTimeout(timer);
      this.running.delete(queryId);
      remember(this.ended, queryId, true);
    }
  }

  /** Whether a call with this id is running now. */
  has(queryId: string): boolean {
    return this.running.has(queryId);
  }

  /** Stops a call: its connections close at once, and the server is told to kill what it still runs. */
  async cancel(queryId: string): Promise<{ cancelled: boolean; detail: string }> {
    const entry = this.running.get(queryId);
    if (!entry && this.ended.has(queryId)) return { cancelled: false, detail: 'That query had already finished.' };
    if (!entry) {
      // Not started yet: its call is still on the way here, and must not run when it arrives.
      remember(this.cancelledEarly, queryId, this.now());
      return { cancelled: true, detail: 'Cancelled before it started.' };
    }
    entry.controller.abort(new CancelledError());
    this.running.delete(queryId);
    const kills = this.kill(entry);
    // The answer waits for KILL QUERY only briefly: a page over HTTP/1.1 has six connections to the app,
    // and cancels held by a slow server would hold up the very search that replaced the cancelled one.
    const killed = await Promise.race([kills, new Promise<null>((r) => setTimeout(() => r(null), KILL_ANSWER_WAIT_MS).unref())]);
    if (killed === null) return { cancelled: true, detail: 'Cancelled; ClickHouse was told to stop it.' };
    const refused = killed.find((k): k is PromiseRejectedResult => k.status === 'rejected');
    return refused
      ? { cancelled: true, detail: `Stopped here; ClickHouse refused KILL QUERY (${String(refused.reason instanceof Error ? refused.reason.message : refused.reason).slice(0, 200)}), so it stops when it notices the closed connection.` }
      : { cancelled: true, detail: 'Cancelled; ClickHouse was told to stop it.' };
  }

  /** KILL QUERY for every query of the call, on each server it used. */
  private kill(entry: Running): Promise<PromiseSettledResult<Record<string, unknown>[]>[]> {
    return Promise.allSettled([...entry.call.servers].map((s) => this.control(s, `KILL QUERY WHERE ${OF_CALL} ASYNC`, { prefix: `${entry.call.queryId}:` }, false)));
  }

  private async progressOf(entry: Running): Promise<void> {
    const elapsedMs = Math.max(0, Math.round(this.now() - entry.startedAt));
    let rowsRead = 0;
    let bytesRead = 0;
    let totalRowsToRead = 0;
    for (const server of entry.call.servers) {
      try {
        const [row] = await this.control(server, `SELECT sum(read_rows) AS rows, sum(read_bytes) AS bytes, sum(total_rows_approx) AS total, max(elapsed) AS elapsed, count() AS n FROM system.processes WHERE ${OF_CALL}`, { prefix: `${entry.call.queryId}:` }, true);
        const p = ProcessesRow.parse(row ?? { rows: 0, bytes: 0, total: 0, elapsed: 0, n: 0 });
        rowsRead += p.rows;
        bytesRead += p.bytes;
        totalRowsToRead += p.total;
      } catch {
        // No access to system.processes (or a busy server): the elapsed time is still worth showing.
      }
    }
    if (!this.running.has(entry.call.queryId)) return;
    this.onProgress({ queryId: entry.call.queryId, rowsRead, bytesRead, totalRowsToRead, elapsedMs });
  }
}

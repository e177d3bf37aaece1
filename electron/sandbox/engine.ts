/**
 * The sandbox's ClickHouse engine: one chdb Session on a data dir, with every
 * statement run one at a time. Per-request state (database, settings) is applied
 * before a statement and undone after it, so requests never see each other's state.
 */
import { mkdirSync } from 'node:fs';
import { Session } from 'chdb';

export interface EngineResult {
  data: Buffer;
  rowsRead: number;
  bytesRead: number;
  elapsedNs: number;
}

export interface EngineQuery {
  sql: string;
  format: string;
  database?: string;
  /** Query parameters as the values chdb binds (strings are re-escaped by chdb). */
  params?: Record<string, string | null>;
  settings?: [name: string, value: string][];
  /** The client's query_id: the sandbox's process list names statements by it (KILL QUERY, /queries). */
  queryId?: string;
  /** Aborted when the client has gone away: a statement still waiting its turn is then dropped, never run. */
  signal?: AbortSignal;
}

/** A statement the engine is running or that waits for its turn. */
export interface EngineProcess {
  queryId: string;
  state: 'queued' | 'running';
  sinceMs: number;
  query: string;
}

/** What became of a statement, kept for the last few (the sandbox's /queries shows them). */
export interface EngineOutcome {
  queryId: string;
  outcome: 'finished' | 'failed' | 'cancelled';
  atMs: number;
}
const OUTCOMES_KEPT = 100;

const cancelledError = (queryId: string) => new EngineError(394, 'QUERY_WAS_CANCELLED', `Code: 394. DB::Exception: Query ${queryId} was cancelled before it started. (QUERY_WAS_CANCELLED)`);

/** An error as ClickHouse reports it: numeric code, symbolic name, full message. */
export class EngineError extends Error {
  constructor(
    readonly code: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

const CODE_RE = /Code: (\d+)\./;
const TYPE_RE = /\(([A-Z][A-Z0-9_]+)\)\s*$/;

export function toEngineError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = Number(CODE_RE.exec(message)?.[1] ?? 1001);
  const type = TYPE_RE.exec(message.trim())?.[1] ?? 'STD_EXCEPTION';
  const text = CODE_RE.test(message) ? message.trim() : `Code: ${code}. DB::Exception: ${message.trim()} (${type})`;
  return new EngineError(code, type, text);
}

export function sqlString(value: string): string {
  return "'" + value.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

export class Engine {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly processes = new Map<string, EngineProcess & { cancel: () => void }>();
  private readonly outcomes: EngineOutcome[] = [];
  readonly version: Promise<string>;

  private constructor(private readonly session: Session) {
    this.version = this.query({ sql: 'SELECT version()', format: 'TabSeparatedRaw' }).then((r) => r.data.toString('utf8').trim());
  }

  /** UTC everywhere, as ClickStack deployments run: DateTime64 text then means the same instant for every client. */
  static open(dataDir: string): Engine {
    mkdirSync(dataDir, { recursive: true });
    return new Engine(new Session(dataDir, { connectionArgs: ['--timezone=UTC'] }));
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** The statements running and waiting, oldest first (the process list: chdb runs one statement at a time). */
  list(): EngineProcess[] {
    return [...this.processes.values()].map(({ queryId, state, sinceMs, query }) => ({ queryId, state, sinceMs, query }));
  }

  /** The last statements that ended, newest last. */
  recent(): EngineOutcome[] {
    return [...this.outcomes];
  }

  /**
   * KILL QUERY: drops the waiting statements whose id matches (their clients get QUERY_WAS_CANCELLED);
   * a running one cannot be interrupted — chdb runs a statement to its end — and says so.
   */
  kill(matches: (queryId: string) => boolean): { queryId: string; query: string; status: 'finished' | 'cant_cancel' }[] {
    const out: { queryId: string; query: string; status: 'finished' | 'cant_cancel' }[] = [];
    for (const p of this.processes.values()) {
      if (!matches(p.queryId)) continue;
      if (p.state === 'queued') p.cancel();
      out.push({ queryId: p.queryId, query: p.query, status: p.state === 'queued' ? 'finished' : 'cant_cancel' });
    }
    return out;
  }

  private noteOutcome(queryId: string, outcome: EngineOutcome['outcome']): void {
    this.outcomes.push({ queryId, outcome, atMs: Date.now() });
    if (this.outcomes.length > OUTCOMES_KEPT) this.outcomes.shift();
  }

  /** Runs a statement in its turn; one named by a queryId is in the process list meanwhile and can be dropped before it starts. */
  query(q: EngineQuery): Promise<EngineResult> {
    const queryId = q.queryId ?? `internal-${Math.random().toString(36).slice(2)}`;
    let dropped = false;
    let rejectEarly: (e: EngineError) => void = () => undefined;
    const early = new Promise<never>((_, reject) => (rejectEarly = reject));
    const cancel = () => {
      if (dropped) return;
      dropped = true;
      this.processes.delete(queryId);
      this.noteOutcome(queryId, 'cancelled');
      rejectEarly(cancelledError(queryId));
    };
    if (q.queryId) this.processes.set(queryId, { queryId, state: 'queued', sinceMs: Date.now(), query: q.sql.slice(0, 500), cancel });
    if (q.signal?.aborted) cancel();
    else q.signal?.addEventListener('abort', () => (this.processes.get(queryId)?.state === 'queued' ? cancel() : undefined), { once: true });
    const run = this.serialize(async () => {
      if (dropped) throw cancelledError(queryId);
      const entry = this.processes.get(queryId);
      if (entry) Object.assign(entry, { state: 'running', sinceMs: Date.now() });
      try {
        const result = await this.run(q);
        if (q.queryId) this.noteOutcome(queryId, 'finished');
        return result;
      } catch (error) {
        if (q.queryId) this.noteOutcome(queryId, 'failed');
        throw error;
      } finally {
        this.processes.delete(queryId);
      }
    });
    if (!q.queryId && !q.signal) return run;
    run.catch(() => undefined);
    return Promise.race([run, early]);
  }

  private run(q: EngineQuery): Promise<EngineResult> {
    return (async () => {
      if (this.closed) throw new EngineError(1002, 'ABORTED', 'Code: 1002. DB::Exception: The sandbox engine is shutting down. (ABORTED)');
      const applied: string[] = [];
      let usedDatabase = false;
      try {
        if (q.database && q.database !== 'default') {
          await this.session.queryAsync(`USE \`${q.database.replace(/`/g, '``')}\``);
          usedDatabase = true;
        }
        for (const [name, value] of q.settings ?? []) {
          await this.session.queryAsync(`SET ${name} = ${sqlString(value)}`);
          applied.push(name);
        }
        const result =
          q.params && Object.keys(q.params).length > 0
            ? await this.session.queryBindAsync(q.sql, q.params, { format: q.format })
            : await this.session.queryAsync(q.sql, { format: q.format });
        return {
          data: Buffer.from(result.bytes()),
          rowsRead: result.rowsRead,
          bytesRead: result.bytesRead,
          elapsedNs: Math.round(result.elapsed * 1e9),
        };
      } catch (error) {
        throw toEngineError(error);
      } finally {
        for (const name of applied) await this.session.queryAsync(`SET ${name} = DEFAULT`).catch(() => undefined);
        // A USE inside the statement itself must not leak into the next request either.
        if (usedDatabase || /^\s*USE\b/i.test(q.sql)) await this.session.queryAsync('USE default').catch(() => undefined);
      }
    })();
  }

  /**
   * Inserts JSONEachRow data in one statement: one block per partition, each all or nothing. With a
   * deduplication token, repeating the same insert writes only the blocks that are not there yet.
   */
  insertJsonEachRow(table: string, payload: Buffer, dedupToken?: string): Promise<EngineResult> {
    return this.serialize(async () => {
      try {
        const summary = await this.session.insert({ table, values: payload, format: 'JSONEachRow', ...(dedupToken ? { settings: { insert_deduplication_token: dedupToken } } : {}) });
        return { data: Buffer.alloc(0), rowsRead: 0, bytesRead: summary.bytesSent, elapsedNs: Math.round(summary.elapsed * 1e9) };
      } catch (error) {
        throw toEngineError(error);
      }
    });
  }

  async close(): Promise<void> {
    await this.serialize(async () => {
      this.closed = true;
      this.session.close();
    });
  }
}

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
}

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

  query(q: EngineQuery): Promise<EngineResult> {
    return this.serialize(async () => {
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
    });
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

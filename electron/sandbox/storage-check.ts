/**
 * Can the sandbox store spans right now? The collector's health_check only says the process is
 * alive; a full disk would leave it "available" while every export fails. So the sandbox's
 * health answer also proves storage: a one-row write-and-truncate in a table of its own (at most
 * every few seconds), and the outcome of the receiver's last real insert.
 */
import type { Engine } from './engine.js';
import { quoteIdentifier } from './schema.js';

/** How long one storage proof is trusted. */
export const STORAGE_CHECK_MS = 5_000;
const PROBE_TABLE = '_clickstack_tray_storage_probe';

export interface StorageState {
  ok: boolean;
  /** One sentence a person can act on. */
  detail: string;
  /** The disk is full (ClickHouse's NOT_ENOUGH_SPACE, or the OS's ENOSPC). */
  full: boolean;
}

export interface LastInsert {
  at: number;
  ok: boolean;
  message: string;
}

const FULL = /NOT_ENOUGH_SPACE|No space left on device|ENOSPC|Cannot reserve/i;

function explain(message: string, dataDir: string): StorageState {
  if (FULL.test(message)) return { ok: false, full: true, detail: `The disk under ${dataDir} is full: new spans cannot be stored (${message.split('\n')[0]!.slice(0, 160)}).` };
  return { ok: false, full: false, detail: `The local ClickHouse engine cannot write: ${message.split('\n')[0]!.slice(0, 200)}` };
}

export class StorageCheck {
  private last: { at: number; state: StorageState } | null = null;
  private created = false;

  constructor(
    private readonly engine: Engine,
    private readonly database: string,
    private readonly dataDir: string,
    private readonly lastInsert: () => LastInsert | null,
  ) {}

  async state(now = Date.now()): Promise<StorageState> {
    if (!this.last || now - this.last.at >= STORAGE_CHECK_MS) this.last = { at: now, state: await this.prove() };
    // A real insert that failed for lack of space since the last proof says more than a one-row write.
    const insert = this.lastInsert();
    if (this.last.state.ok && insert && !insert.ok && insert.at >= this.last.at - STORAGE_CHECK_MS && FULL.test(insert.message)) return explain(insert.message, this.dataDir);
    return this.last.state;
  }

  private async prove(): Promise<StorageState> {
    const table = `${quoteIdentifier(this.database)}.${quoteIdentifier(PROBE_TABLE)}`;
    try {
      if (!this.created) {
        await this.engine.query({ sql: `CREATE TABLE IF NOT EXISTS ${table} (t DateTime64(3)) ENGINE = MergeTree ORDER BY t`, format: 'TabSeparated' });
        this.created = true;
      }
      await this.engine.query({ sql: `INSERT INTO ${table} SELECT now64(3)`, format: 'TabSeparated' });
      await this.engine.query({ sql: `TRUNCATE TABLE ${table}`, format: 'TabSeparated' });
      return { ok: true, full: false, detail: 'The local engine stores spans.' };
    } catch (error) {
      return explain(error instanceof Error ? error.message : String(error), this.dataDir);
    }
  }
}

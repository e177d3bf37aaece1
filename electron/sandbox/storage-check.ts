/**
 * Can the sandbox store spans right now? The collector's health_check only says the process is
 * alive; a full disk would leave it "available" while every export fails. So the sandbox's
 * health answer also proves storage: a one-row write-and-truncate in a table of its own (at most
 * every few seconds), and the outcome of the receiver's last real insert.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqlString, type Engine } from './engine.js';
import { quoteIdentifier } from './schema.js';
import type { LastInsert } from './span-ingest.js';

/** How long one storage proof is trusted. */
export const STORAGE_CHECK_MS = 5_000;
const PROBE_TABLE = '_clickstack_tray_storage_probe';

export interface StorageState {
  ok: boolean;
  /** One sentence a person can act on. */
  detail: string;
  /** The disk is full (ClickHouse's NOT_ENOUGH_SPACE, or the OS's ENOSPC). */
  full: boolean;
  /** Data that cannot be read: parts set aside at start, or a checksum error at query time. */
  damaged?: { parts: number; rows: number; detail: string };
}

/** ClickHouse codes for data that does not match its checksums or cannot be decompressed. */
const DAMAGE_CODES = new Set([40, 246, 271, 432]);


const FULL = /NOT_ENOUGH_SPACE|No space left on device|ENOSPC|Cannot reserve/i;

function explain(message: string, dataDir: string): StorageState {
  if (FULL.test(message)) return { ok: false, full: true, detail: `The disk under ${dataDir} is full: new spans cannot be stored (${message.split('\n')[0]!.slice(0, 160)}).` };
  return { ok: false, full: false, detail: `The local ClickHouse engine cannot write: ${message.split('\n')[0]!.slice(0, 200)}` };
}

export class StorageCheck {
  private last: { at: number; state: StorageState } | null = null;
  private created = false;
  private damage: NonNullable<StorageState['damaged']> | null = null;

  /**
   * Parts the engine set aside when it opened the data folder (a truncated or overwritten file):
   * their spans are no longer readable, and nothing else says so. Rows from each part's count.txt.
   */
  async findSetAside(table: string): Promise<void> {
    const result = await this.engine.query({
      sql: `SELECT name, reason, path FROM system.detached_parts WHERE database = ${sqlString(this.database)} AND table = ${sqlString(table)} AND (startsWith(reason, 'broken') OR reason IN ('unexpected', 'covered-by-broken')) FORMAT JSONEachRow`,
      format: 'JSONEachRow',
    });
    const parts = result.data
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { name: string; reason: string; path: string });
    if (parts.length === 0) return;
    let rows = 0;
    for (const p of parts) {
      try {
        rows += Number(readFileSync(join(p.path, 'count.txt'), 'utf8').trim()) || 0;
      } catch {
        // no count for this part: the sentence says "at least"
      }
    }
    this.damage = {
      parts: parts.length,
      rows,
      detail: `The local engine set aside ${parts.length} damaged part${parts.length === 1 ? '' : 's'} of ${table} when it started (${parts.map((p) => p.name).slice(0, 3).join(', ')}): at least ${rows.toLocaleString('en-US')} spans are no longer readable. They are kept in the data folder's detached/ directory.`,
    };
  }

  /** Journalled requests whose bytes no longer match their names: they were not replayed. */
  noteDamagedJournal(entries: number, folder: string): void {
    if (entries === 0) return;
    const sentence = `${entries} journalled request${entries === 1 ? '' : 's'} left by a killed run could not be replayed (the file no longer matches its checksum); kept in ${folder}.`;
    this.damage = { parts: this.damage?.parts ?? 0, rows: this.damage?.rows ?? 0, detail: this.damage ? `${this.damage.detail} ${sentence}` : sentence };
  }

  /** An engine error at query time that means damaged data. */
  noteEngineError(code: number, message: string): void {
    if (!DAMAGE_CODES.has(code)) return;
    const first = message.split('\n')[0]!.slice(0, 200);
    this.damage = { parts: this.damage?.parts ?? 0, rows: this.damage?.rows ?? 0, detail: `${this.damage ? `${this.damage.detail} ` : ''}A query found damaged data: ${first}` };
  }

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
    return this.damage ? { ...this.last.state, damaged: this.damage } : this.last.state;
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

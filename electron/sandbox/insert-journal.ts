/**
 * Whole or nothing for a request whose spans fall on several days. ClickHouse writes one part
 * per partition (day), each committed on its own: a process killed between two commits keeps
 * half a request. So such a request is written to this journal (fsynced) before its insert and
 * removed after; at start, whatever is left is inserted again. The insert carries a
 * deduplication token derived from the request's rows (the table keeps a deduplication window),
 * so a replay — or the sender's own retry of the same request — writes only the days that are
 * missing, never a day twice.
 *
 * An entry becomes visible only by rename after its bytes are on disk, so a process killed while
 * writing leaves a `.tmp` file (never replayed: no insert had started, the sender got no answer
 * and retries) rather than half an entry that would stop the next start.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from './engine.js';

export const JOURNAL_DIR = 'insert-journal';
/** Where replay moves an entry whose bytes do not match its name (a disk fault): kept for a human, never inserted. */
export const JOURNAL_DAMAGED_DIR = 'damaged';
/** Inserted blocks the table remembers for deduplication (ClickHouse's non_replicated_deduplication_window). */
export const DEDUP_WINDOW_BLOCKS = 10_000;

const ENTRY = /^([0-9a-f]{64})\.jsonl$/;

export interface ReplayResult {
  replayed: number;
  /** Entries whose content did not hash to their name, moved to `insert-journal/damaged/`. */
  setAside: string[];
}

export class InsertJournal {
  private readonly dir: string;

  constructor(
    private readonly engine: Engine,
    private readonly table: string,
    dataDir: string,
  ) {
    this.dir = join(dataDir, JOURNAL_DIR);
    mkdirSync(this.dir, { recursive: true });
  }

  /** The table remembers recent inserted blocks, so a repeated insert with the same token is skipped. */
  async enableDeduplication(): Promise<void> {
    await this.engine.query({ sql: `ALTER TABLE ${this.table} MODIFY SETTING non_replicated_deduplication_window = ${DEDUP_WINDOW_BLOCKS}`, format: 'TabSeparated' });
  }

  /** Inserts a request that spans several partitions, whole — now, or at the next start if this process dies. */
  async insertWhole(payload: Buffer): Promise<void> {
    const token = tokenOf(payload);
    const file = join(this.dir, `${token}.jsonl`);
    const partial = `${file}.${process.pid}.tmp`;
    const handle = await open(partial, 'w', 0o600);
    try {
      await handle.writeFile(payload);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(partial, file);
    await this.syncDirectory();
    try {
      await this.engine.insertJsonEachRow(this.table, payload, token);
    } finally {
      await unlink(file).catch(() => undefined);
    }
  }

  /** Inserts again what a killed process left in the journal; days already written are skipped. */
  async replay(): Promise<ReplayResult> {
    const names = await readdir(this.dir);
    for (const name of names.filter((n) => n.endsWith('.tmp'))) await unlink(join(this.dir, name)).catch(() => undefined);
    const result: ReplayResult = { replayed: 0, setAside: [] };
    for (const name of names) {
      const token = ENTRY.exec(name)?.[1];
      if (!token) continue;
      const payload = await readFile(join(this.dir, name));
      if (tokenOf(payload) !== token) {
        await this.setAside(name);
        result.setAside.push(name);
        continue;
      }
      await this.engine.insertJsonEachRow(this.table, payload, token);
      await unlink(join(this.dir, name));
      result.replayed++;
    }
    return result;
  }

  /** Where damaged entries are kept, for the sentence that reports them. */
  get damagedDir(): string {
    return join(this.dir, JOURNAL_DAMAGED_DIR);
  }

  private async setAside(name: string): Promise<void> {
    await mkdir(this.damagedDir, { recursive: true });
    await rename(join(this.dir, name), join(this.damagedDir, name));
  }

  /** The rename is durable only once the directory entry is on disk. */
  private async syncDirectory(): Promise<void> {
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } catch {
      // Some filesystems (and Windows) refuse fsync on a directory; the rename is still atomic.
    } finally {
      await dir.close();
    }
  }
}

function tokenOf(payload: Buffer): string {
  return createHash('sha256').update(payload).digest('hex');
}

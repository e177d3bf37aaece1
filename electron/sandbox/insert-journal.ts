/**
 * Whole or nothing for a request whose spans fall on several days. ClickHouse writes one part
 * per partition (day), each committed on its own: a process killed between two commits keeps
 * half a request. So such a request is written to this journal (fsynced) before its insert and
 * removed after; at start, whatever is left is inserted again. The insert carries a
 * deduplication token derived from the request's rows (the table keeps a deduplication window),
 * so a replay — or the sender's own retry of the same request — writes only the days that are
 * missing, never a day twice.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from './engine.js';

export const JOURNAL_DIR = 'insert-journal';
/** Inserted blocks the table remembers for deduplication (ClickHouse's non_replicated_deduplication_window). */
export const DEDUP_WINDOW_BLOCKS = 10_000;

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
    const token = createHash('sha256').update(payload).digest('hex');
    const file = join(this.dir, `${token}.jsonl`);
    const handle = await open(file, 'w', 0o600);
    try {
      await handle.writeFile(payload);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await this.engine.insertJsonEachRow(this.table, payload, token);
    } finally {
      await unlink(file).catch(() => undefined);
    }
  }

  /** Inserts again what a killed process left in the journal; days already written are skipped. Returns how many requests. */
  async replay(): Promise<number> {
    const files = (await readdir(this.dir)).filter((f) => /^[0-9a-f]{64}\.jsonl$/.test(f));
    for (const f of files) {
      const payload = await readFile(join(this.dir, f));
      await this.engine.insertJsonEachRow(this.table, payload, f.slice(0, 64));
      await unlink(join(this.dir, f));
    }
    return files.length;
  }
}

/**
 * One process per data folder. chDB cannot share a data folder, and two apps writing one
 * config.json lose each other's profiles, so the second process says which one holds the
 * folder and stops, instead of crash-looping or overwriting. A lock whose process is gone is
 * taken over. Hand-written: the lock must name its holder (pid, what, its URL) for the message,
 * which the lock-file packages on the registry do not record.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const LOCK_FILE = 'instance.lock';
/** The exit code of a process that found its data folder held (EX_TEMPFAIL): a supervisor does not restart it. */
export const LOCKED_EXIT_CODE = 75;

/** What a running sandbox serves, as it prints in its ready line: the CLI uses these instead of starting a second one. */
export const LockEndpoints = z.object({ otlp: z.string().url(), otlpGrpc: z.string(), clickhouse: z.string().url(), health: z.string().url() });
export type LockEndpoints = z.infer<typeof LockEndpoints>;

export const LockHolder = z.object({
  pid: z.number().int(),
  what: z.string(),
  since: z.string(),
  url: z.string().optional(),
  /** A sandbox's endpoints, once it is ready. */
  endpoints: LockEndpoints.optional(),
});
export type LockHolder = z.infer<typeof LockHolder>;

/** `describe` adds what the holder serves (its URL, a sandbox's endpoints) to the lock, for the message and for the CLI. */
export type LockResult = { acquired: true; release(): void; describe(about: string | Pick<LockHolder, 'url' | 'endpoints'>): void } | { acquired: false; holder: LockHolder };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    const parsed = LockHolder.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function write(path: string, holder: LockHolder, flag: 'wx' | 'w'): void {
  const fd = openSync(path, flag, 0o600);
  try {
    writeSync(fd, JSON.stringify(holder));
  } finally {
    closeSync(fd);
  }
}

export function acquireInstanceLock(dir: string, what: string): LockResult {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, what, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      write(path, me, 'wx');
      const release = () => {
        // Only our own lock: a process that took over a stale one keeps it.
        if (readHolder(path)?.pid === process.pid) unlinkSync(path);
      };
      process.once('exit', () => {
        try {
          release();
        } catch {
          // already gone
        }
      });
      return { acquired: true, release, describe: (about) => write(path, { ...me, ...(typeof about === 'string' ? { url: about } : about) }, 'w') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder && alive(holder.pid)) return { acquired: false, holder };
      // The holder is gone (or the file is unreadable): the lock is stale.
      try {
        unlinkSync(path);
      } catch {
        // someone else removed it first
      }
    }
  }
  const holder = readHolder(path);
  return { acquired: false, holder: holder ?? { pid: 0, what: 'another process', since: '' } };
}

/** Who holds `dir` now, if a live process does (a stale lock names nobody). */
export function liveHolder(dir: string): LockHolder | null {
  const holder = readHolder(join(dir, LOCK_FILE));
  return holder && alive(holder.pid) ? holder : null;
}

/** One sentence about who holds a folder. */
export function heldMessage(dir: string, holder: LockHolder): string {
  return `${dir} is in use by ${holder.what} (pid ${holder.pid}${holder.since ? `, since ${holder.since}` : ''})${holder.url ? ` at ${holder.url}` : ''}: open that one, stop it, or give this one another folder (CLICKSTACK_TRAY_HOME, --data-dir).`;
}

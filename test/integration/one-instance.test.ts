/**
 * One process per data folder: a second `web` or `sandbox` on a folder in use says which process
 * holds it and exits at once (never a crash loop, never a second writer of config.json); a lock
 * left by a process that died is taken over.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SandboxSupervisor } from '../../electron/core/sandbox-supervisor.js';
import { acquireInstanceLock, LOCK_FILE } from '../../electron/node-shared/instance-lock.js';
import { SANDBOX_CLI, startTestSandbox } from '../support/sandbox.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'cst-lock-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('one instance per data folder', () => {
  it('a second sandbox on the same folder is not restarted: it says who holds the folder', async () => {
    const first = await startTestSandbox();
    try {
      const second = new SandboxSupervisor({ command: { execPath: process.execPath, args: SANDBOX_CLI }, dataDir: first.dataDir, restartDelaysMs: [100] });
      const status = await second.start();
      expect(status.state).toBe('stopped');
      expect(status.detail).toMatch(/is in use by a clickstack-tray sandbox \(pid \d+/);
      await new Promise((r) => setTimeout(r, 500));
      expect(second.status.state).toBe('stopped');
      expect(second.restarting).toBe(false);
      // The first one is untouched.
      expect((await fetch(`${first.clickhouse}/ping`)).status).toBe(200);
    } finally {
      await first.dispose();
    }
  }, 60_000);

  it('a second `web` on the same folder names the first and its address, and exits', async () => {
    const home = tmp();
    const env = { ...process.env, CLICKSTACK_TRAY_HOME: home };
    const first = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', 'web', '--no-sandbox', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        first.stdout!.on('data', (b: Buffer) => {
          const m = /"url":"([^"]+)"/.exec(b.toString());
          if (m) resolve(m[1]!);
        });
        first.once('exit', (code) => reject(new Error(`first web exited ${code}`)));
      });
      const second = spawnSync(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', 'web', '--no-sandbox', '--json'], { env, encoding: 'utf8', timeout: 30_000 });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain('is in use by clickstack-tray web (pid');
      expect(second.stderr).toContain(url.replace(/\/?\?token=.*$/, ''));
    } finally {
      first.kill('SIGTERM');
    }
  }, 60_000);

  it('takes over a lock whose process is gone, and gives it back on release', () => {
    const dir = tmp();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, what: 'a process that died', since: '2026-01-01T00:00:00Z' }));
    const lock = acquireInstanceLock(dir, 'this test');
    expect(lock.acquired).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, what: 'this test' });
    const again = acquireInstanceLock(dir, 'a second holder');
    expect(again).toMatchObject({ acquired: false, holder: { pid: process.pid, what: 'this test' } });
    if (lock.acquired) lock.release();
    const third = acquireInstanceLock(dir, 'after release');
    expect(third.acquired).toBe(true);
    if (third.acquired) third.release();
  });
});

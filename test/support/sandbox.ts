/**
 * Starts a real sandbox (chdb engine + HTTP servers) in its own process, from source,
 * on free loopback ports with a fresh data dir, and tears it down.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SandboxSupervisor } from '../../electron/core/sandbox-supervisor.js';

export interface TestSandbox {
  otlp: string;
  clickhouse: string;
  health: string;
  dataDir: string;
  supervisor: SandboxSupervisor;
  /** Stops the process but keeps the data dir (to test restarts). */
  stop(): Promise<void>;
  /** Stops the process and removes the data dir. */
  dispose(): Promise<void>;
}

export const SANDBOX_CLI = ['--import', 'tsx', join(process.cwd(), 'electron', 'cli', 'main.ts'), 'sandbox'];

export async function startTestSandbox(options: { dataDir?: string; args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<TestSandbox> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cst-sandbox-'));
  const supervisor = new SandboxSupervisor({
    command: { execPath: process.execPath, args: SANDBOX_CLI, env: options.env },
    dataDir,
    extraArgs: options.args,
  });
  const status = await supervisor.start();
  if (status.state !== 'running' || !status.endpoints) throw new Error(`sandbox did not start: ${status.detail}`);
  return {
    ...status.endpoints,
    dataDir,
    supervisor,
    stop: () => supervisor.stop(),
    dispose: async () => {
      await supervisor.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a real sandbox (chdb engine + HTTP servers) in its own process, from source,
 * on free loopback ports with a fresh data dir, and tears it down.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SandboxSupervisor } from '../../electron/core/sandbox-supervisor.js';
import { TRACES_TABLE, type TracesLocation } from '../../electron/core/clickhouse/server.js';
import { describeTracesTable, type TracesTable } from '../../electron/core/clickhouse/traces-table.js';

export interface TestSandbox {
  otlp: string;
  /** host:port of the OTLP/gRPC receiver. */
  otlpGrpc: string;
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

/** The sandbox's traces table as the app's query builders see it (layout detected by core/clickhouse). */
export async function sandboxTable(s: { clickhouse: string }, database = 'default'): Promise<TracesTable> {
  return describeTracesTable(sandboxLocation(s, database));
}

export function sandboxLocation(s: { clickhouse: string }, database = 'default'): TracesLocation {
  return { url: s.clickhouse, user: 'default', password: '', database, table: TRACES_TABLE };
}

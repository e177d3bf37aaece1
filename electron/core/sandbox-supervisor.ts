/**
 * Runs the embedded sandbox as a child process (never inside the Electron main
 * process: chdb is one engine per process and a crash must not take the app down).
 * It only emits status; dispatchers decide who hears about it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { SandboxStatus } from '../contract.js';
import { TypedEmitter } from './typed-emitter.js';

type Status = z.infer<typeof SandboxStatus>;

export const ReadyLine = z.object({
  event: z.literal('ready'),
  otlp: z.string().url(),
  clickhouse: z.string().url(),
  health: z.string().url(),
});

/** How long the engine may take to open its data dir and create the schema. */
export const SANDBOX_START_TIMEOUT_MS = 60_000;
/** Grace period between SIGTERM and SIGKILL on stop. */
export const SANDBOX_STOP_GRACE_MS = 5_000;

export interface SandboxCommand {
  /** The runtime (node, or Electron run as node). */
  execPath: string;
  /** Arguments up to and including the `sandbox` subcommand. */
  args: string[];
  env?: NodeJS.ProcessEnv;
}

export interface SandboxSupervisorOptions {
  command: SandboxCommand;
  dataDir: string;
  /** Extra CLI flags, e.g. fixed ports. */
  extraArgs?: string[];
  log?: (line: string) => void;
}

export class SandboxSupervisor {
  private child: ChildProcess | null = null;
  private current: Status;
  private readonly emitter = new TypedEmitter<{ status: Status }>();
  private stopping = false;
  private starting: Promise<Status> | null = null;

  constructor(private readonly options: SandboxSupervisorOptions) {
    this.current = {
      state: 'stopped',
      detail: 'The local sandbox has not been started yet.',
      endpoints: null,
      dataDir: options.dataDir,
      since: Date.now(),
    };
  }

  get status(): Status {
    return this.current;
  }

  onStatus(listener: (status: Status) => void): () => void {
    return this.emitter.on('status', listener);
  }

  start(): Promise<Status> {
    if (this.child && this.current.state === 'running') return Promise.resolve(this.current);
    this.starting ??= this.spawnChild().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  async restart(): Promise<Status> {
    await this.stop();
    return this.start();
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.stopping = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), SANDBOX_STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
    this.stopping = false;
    this.setStatus({ state: 'stopped', detail: 'The local sandbox was stopped.', endpoints: null });
  }

  private setStatus(patch: Pick<Status, 'state' | 'detail' | 'endpoints'>): Status {
    this.current = { ...patch, dataDir: this.options.dataDir, since: Date.now() };
    this.emitter.emit('status', this.current);
    return this.current;
  }

  private spawnChild(): Promise<Status> {
    const { command, dataDir, extraArgs = [], log } = this.options;
    this.setStatus({ state: 'starting', detail: 'Starting the local ClickHouse engine and OTLP receiver…', endpoints: null });
    const child = spawn(command.execPath, [...command.args, '--data-dir', dataDir, ...extraArgs], {
      env: { ...process.env, ...command.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const stderrTail: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > 20) stderrTail.shift();
      log?.(line);
    });

    return new Promise<Status>((resolve) => {
      let ready = false;
      const timer = setTimeout(() => {
        if (ready) return;
        child.kill('SIGKILL');
        resolve(this.setStatus({ state: 'crashed', detail: `The local sandbox did not become ready within ${SANDBOX_START_TIMEOUT_MS / 1000} s.`, endpoints: null }));
      }, SANDBOX_START_TIMEOUT_MS);

      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (ready) return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          return; // not the ready line
        }
        const readyLine = ReadyLine.safeParse(parsed);
        if (!readyLine.success) return;
        ready = true;
        clearTimeout(timer);
        const { otlp, clickhouse, health } = readyLine.data;
        resolve(this.setStatus({ state: 'running', detail: 'The local sandbox is running.', endpoints: { otlp, clickhouse, health } }));
      });

      child.once('error', (error) => {
        clearTimeout(timer);
        this.child = null;
        resolve(this.setStatus({ state: 'crashed', detail: `The local sandbox could not be started: ${error.message}`, endpoints: null }));
      });

      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.child === child) this.child = null;
        if (this.stopping) return;
        const why = stderrTail.filter((l) => l.trim()).slice(-1)[0] ?? `exit ${signal ?? code}`;
        const status = this.setStatus({
          state: 'crashed',
          detail: `The local sandbox stopped unexpectedly (${signal ?? `code ${code}`}): ${why.slice(0, 300)}`,
          endpoints: null,
        });
        if (!ready) resolve(status);
      });
    });
  }
}

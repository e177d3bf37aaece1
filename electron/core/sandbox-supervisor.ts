/**
 * Runs the embedded sandbox as a child process (never inside the Electron main
 * process: chdb is one engine per process and a crash must not take the app down).
 * It only emits status; dispatchers decide who hears about it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { SandboxStatus } from '../shared/contract.js';
import { TypedEmitter } from './typed-emitter.js';
import { LOCKED_EXIT_CODE } from '../node-shared/instance-lock.js';
import { PORT_IN_USE_EXIT_CODE } from '../node-shared/port-in-use.js';

type Status = z.infer<typeof SandboxStatus>;

export const ReadyLine = z.object({
  event: z.literal('ready'),
  otlp: z.string().url(),
  /** host:port, as gRPC clients take it. */
  otlpGrpc: z.string().regex(/^127\.0\.0\.1:\d{1,5}$/),
  clickhouse: z.string().url(),
  health: z.string().url(),
});

/** The sandbox found its data folder held by another process (and exits LOCKED_EXIT_CODE). */
export const LockedLine = z.object({ event: z.literal('locked'), message: z.string().max(1000) });

/** A port the sandbox was given is taken by another program (it then exits PORT_IN_USE_EXIT_CODE). */
export const PortInUseLine = z.object({ event: z.literal('port-in-use'), port: z.number().int(), what: z.string().max(200) });

/** How long the engine may take to open its data dir and create the schema. */
export const SANDBOX_START_TIMEOUT_MS = 60_000;
/** Grace period between SIGTERM and SIGKILL on stop. */
export const SANDBOX_STOP_GRACE_MS = 5_000;
/** Waits before restarting a sandbox that died, one per consecutive crash (the last repeats). */
export const SANDBOX_RESTART_DELAYS_MS = [1_000, 2_000, 5_000, 15_000, 30_000];
/** A sandbox that stays up this long has recovered: the next crash starts the delays over. */
export const SANDBOX_STABLE_MS = 60_000;

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
  /** Restart after an unexpected exit (default on), after these waits. */
  restartDelaysMs?: number[] | false;
}

/** The ports of a running sandbox, asked for again on restart so its URLs stay valid. */
function portsOf(endpoints: { otlp: string; otlpGrpc: string; clickhouse: string; health: string }): string[] {
  const port = (url: string) => new URL(url).port;
  return ['--otlp-port', port(endpoints.otlp), '--otlp-grpc-port', endpoints.otlpGrpc.split(':')[1]!, '--clickhouse-port', port(endpoints.clickhouse), '--health-port', port(endpoints.health)];
}

export class SandboxSupervisor {
  private child: ChildProcess | null = null;
  private current: Status;
  private readonly emitter = new TypedEmitter<{ status: Status }>();
  private stopping = false;
  private starting: Promise<Status> | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private crashesInARow = 0;
  private lastPorts: string[] = [];
  /** Set when this supervisor uses a sandbox another process runs (see `adopt`). */
  private adopted = false;

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

  /** True between a crash and the automatic restart it scheduled, and while that restart starts. */
  get restarting(): boolean {
    return this.restartTimer !== null || (this.current.state === 'starting' && this.crashesInARow > 0);
  }

  /** The sandbox process id while one runs (fault tests kill it). */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /**
   * Uses the sandbox another process runs on this data folder (the app's, found through its
   * lock) instead of starting a second one, which the lock would refuse. `stop` leaves it running.
   */
  adopt(endpoints: NonNullable<Status['endpoints']>, detail: string): Status {
    this.adopted = true;
    return this.setStatus({ state: 'running', detail, endpoints });
  }

  start(): Promise<Status> {
    if (this.adopted) return Promise.resolve(this.current);
    this.cancelRestart();
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
    this.cancelRestart();
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

  private cancelRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  /** After a crash: wait, then start again on the same data and ports. */
  private scheduleRestart(detail: string): Status {
    const delays = this.options.restartDelaysMs ?? SANDBOX_RESTART_DELAYS_MS;
    if (delays === false || delays.length === 0) return this.setStatus({ state: 'crashed', detail, endpoints: null });
    const wait = delays[Math.min(this.crashesInARow, delays.length - 1)]!;
    this.crashesInARow++;
    this.cancelRestart();
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.start();
    }, wait);
    this.restartTimer.unref();
    return this.setStatus({ state: 'crashed', detail: `${detail} Restarting in ${wait / 1000} s.`, endpoints: null });
  }

  private setStatus(patch: Pick<Status, 'state' | 'detail' | 'endpoints'>): Status {
    this.current = { ...patch, dataDir: this.options.dataDir, since: Date.now() };
    this.emitter.emit('status', this.current);
    return this.current;
  }

  private spawnChild(): Promise<Status> {
    const { command, dataDir, extraArgs = [], log } = this.options;
    this.setStatus({ state: 'starting', detail: 'Starting the local ClickHouse engine and OTLP receiver…', endpoints: null });
    // Same ports as last time unless the caller fixed them: the app's and the user's URLs stay valid.
    const ports = extraArgs.some((a) => a.endsWith('-port')) ? [] : this.lastPorts;
    const child = spawn(command.execPath, [...command.args, '--data-dir', dataDir, ...extraArgs, ...ports], {
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
      let lockedMessage: string | null = null;
      let portInUse: z.infer<typeof PortInUseLine> | null = null;
      let upSince = 0;
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
        const locked = LockedLine.safeParse(parsed);
        if (locked.success) lockedMessage = locked.data.message;
        const taken = PortInUseLine.safeParse(parsed);
        if (taken.success) portInUse = taken.data;
        const readyLine = ReadyLine.safeParse(parsed);
        if (!readyLine.success) return;
        ready = true;
        clearTimeout(timer);
        const { otlp, otlpGrpc, clickhouse, health } = readyLine.data;
        this.lastPorts = portsOf(readyLine.data);
        upSince = Date.now();
        resolve(this.setStatus({ state: 'running', detail: 'The local sandbox is running.', endpoints: { otlp, otlpGrpc, clickhouse, health } }));
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
        // Another process holds the data folder: restarting would only fail again, so say who and stop.
        if (code === LOCKED_EXIT_CODE || lockedMessage) {
          const status = this.setStatus({ state: 'stopped', detail: `The local sandbox did not start: ${lockedMessage ?? 'its data folder is in use by another process.'}`, endpoints: null });
          if (!ready) resolve(status);
          return;
        }
        const why = stderrTail.filter((l) => l.trim()).slice(-1)[0] ?? `exit ${signal ?? code}`;
        // Someone took a remembered port while we were down: any free port beats not starting, and the detail says so
        // (the sandbox's own sentence names a CLI flag the app's user has no use for).
        const taken = !ready && (code === PORT_IN_USE_EXIT_CODE || /EADDRINUSE/.test(stderrTail.join('\n')));
        if (taken && ports.length) {
          this.lastPorts = [];
          const which = portInUse ? `Port ${portInUse.port}, where ${portInUse.what} listened before,` : 'A port the sandbox listened on before';
          resolve(this.scheduleRestart(`${which} is now used by another program: the sandbox moves to free ports (its addresses change).`));
          return;
        }
        // A port the caller fixed is taken: starting again would only fail again, so say which and stop.
        if (taken) {
          resolve(this.setStatus({ state: 'stopped', detail: `The local sandbox did not start: ${why.replace(/^clickstack-tray: /, '').slice(0, 400)}`, endpoints: null }));
          return;
        }
        if (ready && Date.now() - upSince >= SANDBOX_STABLE_MS) this.crashesInARow = 0;
        const detail = `The local sandbox stopped unexpectedly (${signal ?? `code ${code}`}): ${why.slice(0, 300).replace(/[.\s]+$/, '')}.`;
        const status = this.scheduleRestart(detail);
        if (!ready) resolve(status);
      });
    });
  }
}

/**
 * A poll on a setTimeout chain: the next poll is scheduled only after the previous one
 * settled, so polls never overlap. Each poll has its own deadline (AbortSignal); failures
 * back off exponentially with jitter. The poller only emits results; it knows no windows.
 */
import { TypedEmitter } from '../typed-emitter.js';
import { nextDelayMs, POLL_TIMEOUT_MS } from './backoff.js';
import { systemClock, type Clock } from './clock.js';
import { ProbeFailure, type ProbeFailureKind } from './probes/probe.js';

/**
 * `failure` is the error's kind: a ProbeFailure's own, 'timeout' for the poll's deadline, and
 * 'unreachable' for anything else a probe threw (it could not get an answer).
 */
export type PollOutcome<T> = { ok: true; value: T; at: number; durationMs: number } | { ok: false; error: string; failure: ProbeFailureKind; at: number; durationMs: number };

class PollDeadline extends Error {}

function failureOf(error: unknown): ProbeFailureKind {
  if (error instanceof ProbeFailure) return error.failure;
  if (error instanceof PollDeadline) return 'timeout';
  return 'unreachable';
}

export interface PollerOptions<T> {
  name: string;
  intervalMs: number;
  poll: (signal: AbortSignal) => Promise<T>;
  clock?: Clock;
  timeoutMs?: number;
  random?: () => number;
}

export class Poller<T> {
  private readonly emitter = new TypedEmitter<{ result: PollOutcome<T> }>();
  private timer: unknown = null;
  private inFlight: Promise<PollOutcome<T>> | null = null;
  private failures = 0;
  private stopped = true;
  private readonly clock: Clock;
  last: PollOutcome<T> | null = null;
  /** How many polls ran; the idle benchmark counts requests with it. */
  polls = 0;

  constructor(private readonly options: PollerOptions<T>) {
    this.clock = options.clock ?? systemClock;
  }

  onResult(listener: (r: PollOutcome<T>) => void): () => void {
    return this.emitter.on('result', listener);
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.runNow();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Polls now (or joins the poll already running), then reschedules from its end. */
  runNow(): Promise<PollOutcome<T>> {
    if (this.inFlight) return this.inFlight;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    const { outcome, done } = this.execute();
    // The next poll waits for this one's work to end, not only for its deadline: polls never overlap.
    this.inFlight = outcome;
    void done.finally(() => {
      this.inFlight = null;
      this.schedule();
    });
    return outcome;
  }

  /** Resolves when no poll is running (tests). */
  async settled(): Promise<void> {
    while (this.inFlight) {
      await this.inFlight;
      await new Promise((r) => setImmediate(r));
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay = nextDelayMs(this.options.intervalMs, this.failures, this.options.random);
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.runNow();
    }, delay);
  }

  private execute(): { outcome: Promise<PollOutcome<T>>; done: Promise<unknown> } {
    const started = this.clock.now();
    const timeoutMs = this.options.timeoutMs ?? POLL_TIMEOUT_MS;
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(new PollDeadline(`timed out after ${timeoutMs / 1000} s`)), timeoutMs);
    this.polls++;
    const work = this.options.poll(controller.signal);
    const outcome = Promise.race([
      work,
      new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true })),
    ]).then(
      (value): PollOutcome<T> => {
        this.failures = 0;
        return { ok: true, value, at: this.clock.now(), durationMs: this.clock.now() - started };
      },
      (error: unknown): PollOutcome<T> => {
        this.failures++;
        return { ok: false, error: error instanceof Error ? error.message : String(error), failure: failureOf(error), at: this.clock.now(), durationMs: this.clock.now() - started };
      },
    ).then((result) => {
      clearTimeout(deadline);
      this.last = result;
      this.emitter.emit('result', result);
      return result;
    });
    const done = Promise.allSettled([outcome, work]);
    return { outcome, done };
  }
}

/** A clock the test moves by hand; it records every delay the code scheduled. */
import type { Clock } from '../../electron/core/health/clock.js';

export class FakeClock implements Clock {
  private t: number;
  private timers: { id: number; at: number; fn: () => void }[] = [];
  private nextId = 1;
  readonly scheduledDelays: number[] = [];

  constructor(start = Date.now()) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.scheduledDelays.push(ms);
    this.timers.push({ id, at: this.t + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Moves time forward, firing what falls due (the callbacks start polls; await their results separately). */
  advance(ms: number): void {
    this.t += ms;
    const due = this.timers.filter((t) => t.at <= this.t).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((t) => t.at > this.t);
    for (const t of due) t.fn();
  }

  get pending(): number {
    return this.timers.length;
  }
}

/** Watches one profile with a poller per registered probe and derives its pipeline state. Emits status; knows no windows. */
import type { CheckTarget } from '../setup/check-target.js';
import { TypedEmitter } from '../typed-emitter.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { deriveState, type Reading } from './derive-state.js';
import type { PipelineStatus } from '../../shared/pipeline-status.js';
import { Poller, type PollOutcome } from './poller.js';
import type { CanarySample } from './probes/canary-probe.js';
import type { ClickHouseSample } from './probes/clickhouse-probe.js';
import type { ComponentId, ProbeDefinition, ProbeReading } from './probes/probe.js';
import { PROBES } from './probes/registry.js';

export const CANARY_HISTORY_LIMIT = 30;

export interface MonitorConfig {
  profileId: string;
  profileName: string;
  pollIntervalMs: number;
  stallThresholdMs: number;
  canaryIntervalMs: number | null;
  /** Resolved afresh before each poll, so edits and a restarted sandbox are picked up. */
  target: () => Promise<CheckTarget>;
  clock?: Clock;
  random?: () => number;
  canaryLandingTimeoutMs?: number;
  /** The probes to run; the registry's by default. */
  probes?: readonly ProbeDefinition<unknown>[];
}

type Outcome = PollOutcome<ProbeReading<unknown>>;

const NOT_RUN: Record<ComponentId, string> = {
  collector: 'Not checked yet.',
  otlp: 'Not checked yet.',
  clickhouse: 'Not checked yet.',
  canary: 'Canary is off for this profile.',
};

export class ProfileMonitor {
  private readonly emitter = new TypedEmitter<{ status: PipelineStatus }>();
  readonly pollers = new Map<ComponentId, Poller<ProbeReading<unknown>>>();
  private readonly clock: Clock;
  private current: PipelineStatus;
  private readonly canaryHistory: { at: number; latencyMs: number | null }[] = [];

  constructor(private readonly config: MonitorConfig) {
    this.clock = config.clock ?? systemClock;
    const schedule = { pollIntervalMs: config.pollIntervalMs, canaryIntervalMs: config.canaryIntervalMs };
    for (const probe of config.probes ?? PROBES) {
      const intervalMs = probe.intervalMs(schedule);
      if (intervalMs === null) continue;
      const poller = new Poller<ProbeReading<unknown>>({
        name: probe.id,
        intervalMs,
        timeoutMs: probe.timeoutMs,
        clock: this.clock,
        random: config.random,
        poll: async (signal) => probe.run(await config.target(), { now: this.clock.now(), signal, canaryLandingTimeoutMs: config.canaryLandingTimeoutMs }),
      });
      this.pollers.set(probe.id, poller);
    }
    const empty = (id: ComponentId) => ({ ok: null, detail: id === 'canary' && this.pollers.has('canary') ? 'Not sent yet.' : NOT_RUN[id], at: null, durationMs: null });
    this.current = {
      profileId: config.profileId,
      profileName: config.profileName,
      state: 'Idle',
      reason: 'Checking the pipeline…',
      since: this.clock.now(),
      components: { collector: empty('collector'), otlp: empty('otlp'), clickhouse: empty('clickhouse'), canary: empty('canary') },
      newestSpanAt: null,
      spansPerMinute: [],
      canaryLatencies: [],
    };
    // History first, so the status computed from the same result already includes it.
    this.pollers.get('canary')?.onResult((r) => {
      const sample = r.ok ? (r.value.value as CanarySample) : null;
      this.canaryHistory.push({ at: r.at, latencyMs: sample?.landed ? sample.latencyMs : null });
      if (this.canaryHistory.length > CANARY_HISTORY_LIMIT) this.canaryHistory.shift();
    });
    for (const poller of this.pollers.values()) poller.onResult(() => this.recompute());
  }

  /** The poller of one component (tests and the idle benchmark count its polls). */
  poller(id: ComponentId): Poller<ProbeReading<unknown>> | undefined {
    return this.pollers.get(id);
  }

  get status(): PipelineStatus {
    return this.current;
  }

  onStatus(listener: (s: PipelineStatus) => void): () => void {
    return this.emitter.on('status', listener);
  }

  start(): void {
    for (const p of this.pollers.values()) p.start();
  }

  stop(): void {
    for (const p of this.pollers.values()) p.stop();
  }

  /** Polls every target now (joining polls already under way). */
  async checkNow(): Promise<PipelineStatus> {
    await Promise.all([...this.pollers.values()].map((p) => p.runNow()));
    return this.current;
  }

  /** Resolves when no poll is running (tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.pollers.values()].map((p) => p.settled()));
  }

  private last(id: ComponentId): Outcome | null {
    return this.pollers.get(id)?.last ?? null;
  }

  private reading(id: ComponentId): Reading {
    const r = this.last(id);
    if (!r) return null;
    if (!r.ok) return { ok: false, detail: r.error, failure: r.failure };
    // ok: null means "nothing to check here", which never fails a rule.
    return r.value.ok === null ? null : { ok: r.value.ok, detail: r.value.detail };
  }

  private recompute(): void {
    const ch = this.last('clickhouse');
    const can = this.last('canary');
    const chValue = ch?.ok ? (ch.value.value as ClickHouseSample) : null;
    const canaryValue = can?.ok ? (can.value.value as CanarySample) : null;
    const { state, reason } = deriveState({
      now: this.clock.now(),
      stallThresholdMs: this.config.stallThresholdMs,
      collector: this.reading('collector'),
      otlp: this.reading('otlp'),
      clickhouse: this.reading('clickhouse'),
      newestSpanAt: chValue?.newestSpanAt ?? null,
      spansLastHour: chValue?.spansLastHour ?? 0,
      canary: {
        enabled: this.pollers.has('canary'),
        lastLanded: can ? (canaryValue?.landed ?? false) : null,
        detail: can ? (can.ok ? can.value.detail : can.error) : '',
        latencyMs: canaryValue?.latencyMs ?? null,
      },
    });
    const component = (id: ComponentId) => {
      const r = this.last(id);
      if (!r) return this.current.components[id];
      return { ok: r.ok ? r.value.ok : false, detail: r.ok ? r.value.detail : r.error, at: r.at, durationMs: r.durationMs };
    };
    this.current = {
      ...this.current,
      state,
      reason,
      since: state === this.current.state ? this.current.since : this.clock.now(),
      components: { collector: component('collector'), otlp: component('otlp'), clickhouse: component('clickhouse'), canary: component('canary') },
      newestSpanAt: chValue?.newestSpanAt ?? (ch?.ok ? null : this.current.newestSpanAt),
      spansPerMinute: chValue?.spansPerMinute ?? this.current.spansPerMinute,
      canaryLatencies: [...this.canaryHistory],
    };
    this.emitter.emit('status', this.current);
  }
}

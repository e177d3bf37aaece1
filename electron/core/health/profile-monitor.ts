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
type Tile = PipelineStatus['components'][number];

export class ProfileMonitor {
  private readonly emitter = new TypedEmitter<{ status: PipelineStatus }>();
  readonly pollers = new Map<ComponentId, Poller<ProbeReading<unknown>>>();
  private readonly probes: readonly ProbeDefinition<unknown>[];
  private readonly clock: Clock;
  private current: PipelineStatus;
  private readonly canaryHistory: { at: number; latencyMs: number | null }[] = [];

  constructor(private readonly config: MonitorConfig) {
    this.clock = config.clock ?? systemClock;
    this.probes = config.probes ?? PROBES;
    const schedule = { pollIntervalMs: config.pollIntervalMs, canaryIntervalMs: config.canaryIntervalMs };
    for (const probe of this.probes) {
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
    this.current = {
      profileId: config.profileId,
      profileName: config.profileName,
      state: 'Idle',
      reason: 'Checking the pipeline…',
      since: this.clock.now(),
      components: this.probes.map((p) => this.tile(p)),
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

  /**
   * What a probe's last outcome says, as the tiles and the state rules both read it: the one
   * place an outcome becomes ok / failing / nothing to check, with its typed failure kind.
   */
  private tile(probe: ProbeDefinition<unknown>): Tile {
    const base = { id: probe.id, title: probe.title };
    if (!this.pollers.has(probe.id)) return { ...base, ok: null, detail: probe.offDetail ?? 'Not checked for this profile.', failure: null, at: null, durationMs: null };
    const r = this.last(probe.id);
    if (!r) return { ...base, ok: null, detail: probe.pendingDetail ?? 'Not checked yet.', failure: null, at: null, durationMs: null };
    if (!r.ok) return { ...base, ok: false, detail: r.error, failure: r.failure, at: r.at, durationMs: r.durationMs };
    return { ...base, ok: r.value.ok, detail: r.value.detail, failure: null, at: r.at, durationMs: r.durationMs };
  }

  private recompute(): void {
    const tiles = this.probes.map((p) => this.tile(p));
    // ok: null means "nothing to check here", which never fails a rule.
    const reading = (id: ComponentId): Reading => {
      const t = tiles.find((x) => x.id === id);
      return t && t.ok !== null && t.at !== null ? { ok: t.ok, detail: t.detail, failure: t.failure } : null;
    };
    const ch = this.last('clickhouse');
    const can = this.last('canary');
    const chValue = ch?.ok ? (ch.value.value as ClickHouseSample) : null;
    const canaryValue = can?.ok ? (can.value.value as CanarySample) : null;
    const { state, reason } = deriveState({
      now: this.clock.now(),
      stallThresholdMs: this.config.stallThresholdMs,
      collector: reading('collector'),
      otlp: reading('otlp'),
      clickhouse: reading('clickhouse'),
      newestSpanAt: chValue?.newestSpanAt ?? null,
      spansLastHour: chValue?.spansLastHour ?? 0,
      canary: {
        enabled: this.pollers.has('canary'),
        lastLanded: can ? (canaryValue?.landed ?? false) : null,
        detail: can ? (can.ok ? can.value.detail : can.error) : '',
        latencyMs: canaryValue?.latencyMs ?? null,
      },
      tiles,
    });
    this.current = {
      ...this.current,
      state,
      reason,
      since: state === this.current.state ? this.current.since : this.clock.now(),
      components: tiles,
      newestSpanAt: chValue?.newestSpanAt ?? (ch?.ok ? null : this.current.newestSpanAt),
      spansPerMinute: chValue?.spansPerMinute ?? this.current.spansPerMinute,
      canaryLatencies: [...this.canaryHistory],
    };
    this.emitter.emit('status', this.current);
  }
}

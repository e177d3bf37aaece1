/** Watches one profile with three pollers and derives its pipeline state. Emits status; knows no windows. */
import type { CheckTarget } from '../setup/check-target.js';
import { TypedEmitter } from '../typed-emitter.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { deriveState } from './derive-state.js';
import type { PipelineStatus } from './pipeline-status.js';
import { Poller } from './poller.js';
import { probeCanary, probeClickHouse, probeCollector, type CanarySample, type ClickHouseSample, type CollectorSample } from './probes.js';

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
}

type Probe<T> = (target: CheckTarget, signal: AbortSignal) => Promise<T>;

export class ProfileMonitor {
  private readonly emitter = new TypedEmitter<{ status: PipelineStatus }>();
  readonly collector: Poller<CollectorSample>;
  readonly clickhouse: Poller<ClickHouseSample>;
  readonly canary: Poller<CanarySample> | null;
  private readonly clock: Clock;
  private current: PipelineStatus;
  private readonly canaryHistory: { at: number; latencyMs: number | null }[] = [];

  constructor(private readonly config: MonitorConfig) {
    this.clock = config.clock ?? systemClock;
    const wrap =
      <T>(probe: Probe<T>) =>
      async (signal: AbortSignal) =>
        probe(await config.target(), signal);
    const common = { clock: this.clock, random: config.random };
    this.collector = new Poller({ ...common, name: 'collector', intervalMs: config.pollIntervalMs, poll: wrap((t, s) => probeCollector(t, s)) });
    this.clickhouse = new Poller({ ...common, name: 'clickhouse', intervalMs: config.pollIntervalMs, poll: wrap((t, s) => probeClickHouse(t, this.clock.now(), s)) });
    this.canary = config.canaryIntervalMs
      ? new Poller({ ...common, name: 'canary', intervalMs: config.canaryIntervalMs, timeoutMs: 90_000, poll: wrap((t) => probeCanary(t, config.canaryLandingTimeoutMs)) })
      : null;
    const empty = { ok: null, detail: 'Not checked yet.', at: null, durationMs: null };
    this.current = {
      profileId: config.profileId,
      profileName: config.profileName,
      state: 'Idle',
      reason: 'Checking the pipeline…',
      since: this.clock.now(),
      components: { collector: empty, otlp: empty, clickhouse: empty, canary: { ...empty, detail: config.canaryIntervalMs ? 'Not sent yet.' : 'Canary is off for this profile.' } },
      newestSpanAt: null,
      spansPerMinute: [],
      canaryLatencies: [],
    };
    // History first, so the status computed from the same result already includes it.
    this.canary?.onResult((r) => {
      this.canaryHistory.push({ at: r.at, latencyMs: r.ok && r.value.landed ? r.value.latencyMs : null });
      if (this.canaryHistory.length > CANARY_HISTORY_LIMIT) this.canaryHistory.shift();
    });
    for (const poller of [this.collector, this.clickhouse, this.canary]) poller?.onResult(() => this.recompute());
  }

  get status(): PipelineStatus {
    return this.current;
  }

  onStatus(listener: (s: PipelineStatus) => void): () => void {
    return this.emitter.on('status', listener);
  }

  start(): void {
    this.collector.start();
    this.clickhouse.start();
    this.canary?.start();
  }

  stop(): void {
    this.collector.stop();
    this.clickhouse.stop();
    this.canary?.stop();
  }

  /** Polls every target now (joining polls already under way). */
  async checkNow(): Promise<PipelineStatus> {
    await Promise.all([this.collector.runNow(), this.clickhouse.runNow(), this.canary?.runNow()]);
    return this.current;
  }

  private recompute(): void {
    const col = this.collector.last;
    const ch = this.clickhouse.last;
    const can = this.canary?.last ?? null;
    const chValue = ch?.ok ? ch.value : null;
    const canaryValue = can?.ok ? can.value : null;
    const { state, reason } = deriveState({
      now: this.clock.now(),
      stallThresholdMs: this.config.stallThresholdMs,
      collector: col ? (col.ok ? col.value.health : { ok: false, detail: col.error }) : null,
      otlp: col ? (col.ok ? col.value.otlp : { ok: false, detail: col.error }) : null,
      clickhouse: ch ? (ch.ok ? { ok: true, detail: 'ok' } : { ok: false, detail: ch.error }) : null,
      newestSpanAt: chValue?.newestSpanAt ?? null,
      spansLastHour: chValue?.spansLastHour ?? 0,
      canary: {
        enabled: this.canary !== null,
        lastLanded: can ? (can.ok ? can.value.landed : false) : null,
        detail: can ? (can.ok ? can.value.detail : can.error) : '',
        latencyMs: canaryValue?.latencyMs ?? null,
      },
    });
    const component = (ok: boolean | null, detail: string, at: number | null, durationMs: number | null) => ({ ok, detail, at, durationMs });
    this.current = {
      ...this.current,
      state,
      reason,
      since: state === this.current.state ? this.current.since : this.clock.now(),
      components: {
        collector: col ? component(col.ok ? col.value.health.ok : false, col.ok ? col.value.health.detail : col.error, col.at, col.durationMs) : this.current.components.collector,
        otlp: col ? component(col.ok ? (col.value.otlp?.ok ?? null) : false, col.ok ? (col.value.otlp?.detail ?? 'No OTLP endpoint configured.') : col.error, col.at, col.durationMs) : this.current.components.otlp,
        clickhouse: ch ? component(ch.ok, ch.ok ? `Read ${ch.value.spansLastHour} gateway spans from the last hour.` : ch.error, ch.at, ch.durationMs) : this.current.components.clickhouse,
        canary: can ? component(can.ok ? can.value.landed : false, can.ok ? can.value.detail : can.error, can.at, can.durationMs) : this.current.components.canary,
      },
      newestSpanAt: chValue?.newestSpanAt ?? (ch?.ok ? null : this.current.newestSpanAt),
      spansPerMinute: chValue?.spansPerMinute ?? this.current.spansPerMinute,
      canaryLatencies: [...this.canaryHistory],
    };
    this.emitter.emit('status', this.current);
  }
}

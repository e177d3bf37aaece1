/** Monitors every profile, feeds the incident notifier, and hands states and notifications to whoever listens. */
import type { ProfilesService } from '../profiles/profiles-service.js';
import type { SetupService } from '../setup/setup-service.js';
import { TypedEmitter } from '../typed-emitter.js';
import { systemClock, type Clock } from './clock.js';
import { IncidentNotifier } from './incident-notifier.js';
import type { PipelineNotification, PipelineStatus } from '../../shared/pipeline-status.js';
import { ProfileMonitor } from './profile-monitor.js';

export class PipelineMonitor {
  private readonly monitors = new Map<string, { monitor: ProfileMonitor; key: string }>();
  private readonly emitter = new TypedEmitter<{ status: PipelineStatus; notification: PipelineNotification; paused: number }>();
  readonly notifier: IncidentNotifier;
  private running = false;

  constructor(
    private readonly profiles: ProfilesService,
    private readonly setup: SetupService,
    private readonly clock: Clock = systemClock,
  ) {
    this.notifier = new IncidentNotifier(
      (n) => this.emitter.emit('notification', n),
      (until) => this.emitter.emit('paused', until),
    );
  }

  onStatus(listener: (s: PipelineStatus) => void): () => void {
    return this.emitter.on('status', listener);
  }

  onNotification(listener: (n: PipelineNotification) => void): () => void {
    return this.emitter.on('notification', listener);
  }

  onPaused(listener: (pausedUntil: number) => void): () => void {
    return this.emitter.on('paused', listener);
  }

  statuses(): PipelineStatus[] {
    return [...this.monitors.values()].map((m) => m.monitor.status);
  }

  monitor(profileId: string): ProfileMonitor | undefined {
    return this.monitors.get(profileId)?.monitor;
  }

  /** The first sync has run: profiles that appear after it were made while the app runs. */
  private synced = false;

  start(): void {
    this.running = true;
    void this.sync();
  }

  stop(): void {
    this.running = false;
    for (const { monitor } of this.monitors.values()) monitor.stop();
    this.monitors.clear();
  }

  /** Starts, restarts or drops monitors to match the profiles (called when profiles change). */
  async sync(): Promise<void> {
    if (!this.running) return;
    const { profiles } = await this.profiles.state();
    const seen = new Set<string>();
    const first = !this.synced;
    this.synced = true;
    for (const p of profiles) {
      seen.add(p.id);
      const key = JSON.stringify([p.name, p.pollIntervalSeconds, p.stallThresholdMinutes, p.canaryIntervalMinutes]);
      const existing = this.monitors.get(p.id);
      if (existing?.key === key) continue;
      // Made since the app started (not merely edited, not there at start): being set up.
      if (!existing && !first) this.notifier.newProfile(p.id);
      existing?.monitor.stop();
      const monitor = new ProfileMonitor({
        profileId: p.id,
        profileName: p.name,
        pollIntervalMs: p.pollIntervalSeconds * 1000,
        stallThresholdMs: p.stallThresholdMinutes * 60_000,
        canaryIntervalMs: p.canaryIntervalMinutes ? p.canaryIntervalMinutes * 60_000 : null,
        target: () => this.setup.target(p.id),
        clock: this.clock,
      });
      monitor.onStatus((s) => {
        this.notifier.update(s.profileId, s.profileName, s.state, s.reason, this.clock.now());
        this.emitter.emit('status', s);
      });
      this.monitors.set(p.id, { monitor, key });
      monitor.start();
    }
    for (const [id, { monitor }] of this.monitors) {
      if (!seen.has(id)) {
        monitor.stop();
        this.monitors.delete(id);
        this.notifier.forget(id);
      }
    }
  }
}

/**
 * Decides which state changes deserve a notification: one when a profile goes Stalled or
 * Down, one when it recovers, none while the incident lasts, at most a few per window
 * across all profiles, none while paused. It keeps the incident history.
 */
import type { Incident, PipelineNotification, PipelineStateName } from '../../shared/pipeline-status.js';

/**
 * At most this many notifications per window across profiles, for the pipeline and for alerts
 * each: flapping cannot storm, and a burst of alerts cannot use up the pipeline's (a Down after
 * three alerts went unannounced when they shared one limit).
 */
export const NOTIFY_LIMIT = 4;
export const NOTIFY_WINDOW_MS = 10 * 60_000;
export const INCIDENT_HISTORY_LIMIT = 100;

type NotificationKind = 'pipeline' | 'alert';

const BAD: PipelineStateName[] = ['Stalled', 'Down'];
const GOOD: PipelineStateName[] = ['Healthy', 'Idle'];

export class IncidentNotifier {
  private readonly open = new Map<string, Incident>();
  /** Profiles made in this run and not Healthy or Idle yet: still being set up, their trouble is Setup's to show. */
  private readonly beingSetUp = new Set<string>();
  private readonly sentAt: Record<NotificationKind, number[]> = { pipeline: [], alert: [] };
  private pausedUntil = 0;
  readonly incidents: Incident[] = [];

  constructor(
    private readonly notify: (n: PipelineNotification) => void,
    private readonly onPauseChange: (pausedUntil: number) => void = () => undefined,
  ) {}

  /** The one owner of the pause: whoever changes it, everyone hears the new value. */
  pause(until: number): void {
    this.pausedUntil = until;
    this.onPauseChange(until);
  }

  get pausedUntilMs(): number {
    return this.pausedUntil;
  }

  /** Announces it, or says why not. */
  private tryNotify(now: number, kind: NotificationKind, n: PipelineNotification): Incident['unannounced'] {
    if (now < this.pausedUntil) return 'paused';
    const sent = this.sentAt[kind];
    while (sent.length && sent[0]! <= now - NOTIFY_WINDOW_MS) sent.shift();
    if (sent.length >= NOTIFY_LIMIT) return 'limit';
    sent.push(now);
    this.notify(n);
    return null;
  }

  /** Opens an incident with what its announcement did. */
  private announce(incident: Incident, kind: NotificationKind, n: PipelineNotification | 'setting-up'): void {
    incident.unannounced = n === 'setting-up' ? 'setting-up' : this.tryNotify(incident.startedAt, kind, n);
    incident.notified = incident.unannounced === null;
  }

  /**
   * A profile made while the app runs: its pipeline has not worked yet, so until it first does its
   * incidents are kept (Health shows them) but not announced — a new profile's first poll, before
   * any check has run, would otherwise pop up "pipeline down" over the form being filled in.
   */
  newProfile(profileId: string): void {
    this.beingSetUp.add(profileId);
  }

  update(profileId: string, profileName: string, state: PipelineStateName, reason: string, now: number): void {
    const current = this.open.get(profileId);
    if (GOOD.includes(state)) this.beingSetUp.delete(profileId);
    if (!current && BAD.includes(state)) {
      const incident: Incident = { profileId, profileName, state, reason, startedAt: now, endedAt: null, notified: false, unannounced: null, alert: null };
      this.announce(incident, 'pipeline', this.beingSetUp.has(profileId) ? 'setting-up' : { profileId, title: `${profileName}: pipeline ${state.toLowerCase()}`, body: reason });
      this.open.set(profileId, incident);
      this.incidents.unshift(incident);
      if (this.incidents.length > INCIDENT_HISTORY_LIMIT) this.incidents.pop();
    } else if (current && BAD.includes(state)) {
      // The open incident says what the headline says now (one source: the derived state), not what it said first.
      current.state = state;
      current.reason = reason;
    } else if (current && GOOD.includes(state)) {
      current.endedAt = now;
      this.open.delete(profileId);
      // A recovery is announced only for an incident that was announced.
      if (current.notified) this.tryNotify(now, 'pipeline', { profileId, title: `${profileName}: pipeline recovered`, body: reason });
    }
  }

  forget(profileId: string): void {
    this.open.delete(profileId);
    this.beingSetUp.delete(profileId);
    for (const key of [...this.openAlerts.keys()]) if (key.startsWith(`${profileId}\u0000`)) this.openAlerts.delete(key);
  }

  private readonly openAlerts = new Map<string, Incident>();

  /**
   * An alert rule fired for a scope: an incident in the same history, announced under the same
   * pause as the pipeline's and a rate limit of its own. `key` names the profile, the rule and the scope.
   */
  openAlert(key: string, incident: Omit<Incident, 'endedAt' | 'notified' | 'unannounced' | 'state'>, title: string): Incident {
    const existing = this.openAlerts.get(key);
    if (existing) return existing;
    const open: Incident = { ...incident, state: 'Alert', endedAt: null, notified: false, unannounced: null };
    this.announce(open, 'alert', { profileId: open.profileId, title, body: open.reason, explore: open.alert?.explore });
    this.openAlerts.set(key, open);
    this.incidents.unshift(open);
    if (this.incidents.length > INCIDENT_HISTORY_LIMIT) this.incidents.pop();
    return open;
  }

  /** The open alert's reason follows the current figure (as a pipeline incident follows the headline). */
  updateAlert(key: string, reason: string, explore?: NonNullable<Incident['alert']>['explore']): void {
    const open = this.openAlerts.get(key);
    if (!open) return;
    open.reason = reason;
    if (open.alert && explore) open.alert = { ...open.alert, explore };
  }

  /** The alert's condition cleared: the incident ends, announced only when its start was. */
  closeAlert(key: string, now: number, title: string, body: string): Incident | null {
    const open = this.openAlerts.get(key);
    if (!open) return null;
    open.endedAt = now;
    this.openAlerts.delete(key);
    if (open.notified) this.tryNotify(now, 'alert', { profileId: open.profileId, title, body, explore: open.alert?.explore });
    return open;
  }

  /** Alert incidents still open, by key. */
  openAlertKeys(): string[] {
    return [...this.openAlerts.keys()];
  }
}

/**
 * Evaluates each profile's alert rules once per poll interval (one query per profile, see
 * alert-query.ts), turns conditions into incidents in the pipeline's incident history (the
 * notifier's pause and rate limit apply) and emits each profile's alert status. Knows no windows.
 */
import type { TracesLocation } from '../clickhouse/server.js';
import type { Clock } from '../health/clock.js';
import { systemClock } from '../health/clock.js';
import type { IncidentNotifier } from '../health/incident-notifier.js';
import { Poller } from '../health/poller.js';
import { logger } from '../log.js';
import { TypedEmitter } from '../typed-emitter.js';
import { TFY } from '../semantics/gateway-attributes.js';
import type { PipelineStateName } from '../../shared/pipeline-status.js';
import { isFloor, isRate, METRIC_LABEL, thresholdText, type AlertRule, type AlertStatus, type ExploreSearch } from '../../shared/alert-rules.js';
import { ALERT_QUERY_TIMEOUT_MS, evaluateWindows, type GroupMetrics, type PriceOf, type WindowSpec } from './alert-query.js';
import { BASELINE_REFRESH_MS, describe, isLongWindow, judgeRule, ruleSummary, step, windowsOf, type ScopeJudgement, type Track } from './alert-math.js';

const log = logger('alerts');

export interface AlertProfile {
  id: string;
  name: string;
  pollIntervalSeconds: number;
}

export interface AlertServiceDeps {
  /** The profiles to watch (called on sync). */
  profiles: () => Promise<AlertProfile[]>;
  rules: (profileId: string) => AlertRule[];
  target: (profileId: string) => Promise<TracesLocation & { serviceName: string }>;
  notifier: IncidentNotifier;
  /**
   * Whether ingestion is fine (spans arrive, or the canary lands while the gateway is quiet): a floor
   * on traffic is judged only then — traffic gone with the pipeline broken is the pipeline's incident.
   */
  ingestion?: (profileId: string) => { fine: boolean; state: PipelineStateName | null };
  clock?: Clock;
  /** Prices for the requests no span reported a cost for (the catalog with the user's overrides). */
  priceOf?: PriceOf;
}

interface ProfileAlerts {
  profile: AlertProfile;
  poller: Poller<AlertStatus> | null;
  key: string;
  tracks: Map<string, Track>;
  baseline: { at: number; groups: GroupMetrics[]; rulesKey: string } | null;
  status: AlertStatus;
}

/** The search in Explore for the requests behind a rule's scope: the scope's field and, for error rates, the failures. */
export function exploreSearchFor(rule: AlertRule, scope: string, now: number): ExploreSearch {
  const quoted = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const terms: string[] = [];
  if (scope) {
    if (rule.scope.kind === 'model') terms.push(`model:${quoted(scope)}`);
    else if (rule.scope.kind === 'user') terms.push(`user:${quoted(scope)}`);
    else if (rule.scope.kind === 'mcpServer') terms.push(`mcp:${quoted(scope)}`);
    // Teams are a JSON list in one attribute: a part of its value.
    else if (rule.scope.kind === 'team' && /^[\w.@-]+$/.test(scope)) terms.push(`SpanAttributes.${TFY.request.createdBySubjectTeams}:*${scope}*`);
  }
  if (isRate(rule.metric)) terms.push('status:error');
  return { query: terms.join(' '), fromMs: Math.max(0, now - rule.windowMinutes * 60_000), toMs: now };
}

function emptyStatus(p: AlertProfile): AlertStatus {
  return { profileId: p.id, profileName: p.name, evaluatedAt: null, error: null, rules: [], firing: 0, rowsRead: 0, elapsedMs: 0 };
}

const trackKey = (profileId: string, ruleId: string, scope: string) => `${profileId}\u0000${ruleId}\u0000${scope}`;

export class AlertService {
  private readonly profiles = new Map<string, ProfileAlerts>();
  private readonly emitter = new TypedEmitter<{ status: AlertStatus }>();
  private readonly clock: Clock;
  private running = false;

  constructor(private readonly deps: AlertServiceDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  onStatus(listener: (s: AlertStatus) => void): () => void {
    return this.emitter.on('status', listener);
  }

  statuses(): AlertStatus[] {
    return [...this.profiles.values()].map((p) => p.status);
  }

  status(profileId: string): AlertStatus | null {
    return this.profiles.get(profileId)?.status ?? null;
  }

  start(): void {
    this.running = true;
    void this.sync();
  }

  stop(): void {
    this.running = false;
    for (const p of this.profiles.values()) p.poller?.stop();
    this.profiles.clear();
  }

  /** Starts, restarts or drops each profile's evaluation to match the profiles and their rules. */
  async sync(): Promise<void> {
    const list = await this.deps.profiles();
    const seen = new Set<string>();
    for (const profile of list) {
      seen.add(profile.id);
      const rules = this.deps.rules(profile.id);
      const key = JSON.stringify([profile.name, profile.pollIntervalSeconds, rules]);
      const existing = this.profiles.get(profile.id);
      // Unchanged and already watched as it should be (a sync before start() left it without a poller).
      if (existing?.key === key && (existing.poller !== null || !this.running || !rules.some((r) => r.enabled))) continue;
      existing?.poller?.stop();
      const entry: ProfileAlerts = { profile, poller: null, key, tracks: existing?.tracks ?? new Map(), baseline: null, status: existing?.status ?? emptyStatus(profile) };
      // Scopes of rules that are gone or changed end their incidents now.
      const live = new Set(rules.filter((r) => r.enabled).map((r) => r.id));
      for (const [k] of entry.tracks) {
        const ruleId = k.split('\u0000')[1]!;
        if (!live.has(ruleId)) {
          this.deps.notifier.closeAlert(k, this.clock.now(), `${profile.name}: alert ended`, 'The rule was turned off or removed.');
          entry.tracks.delete(k);
        }
      }
      this.profiles.set(profile.id, entry);
      if (this.running && rules.some((r) => r.enabled)) {
        entry.poller = new Poller<AlertStatus>({ name: `alerts:${profile.id}`, intervalMs: profile.pollIntervalSeconds * 1000, clock: this.clock, timeoutMs: ALERT_QUERY_TIMEOUT_MS + 5_000, poll: (signal) => this.evaluate(profile.id, signal) });
        entry.poller.start();
      }
    }
    for (const [id, entry] of this.profiles) {
      if (seen.has(id)) continue;
      entry.poller?.stop();
      this.profiles.delete(id);
    }
  }

  /** How many evaluations ran for a profile (the idle benchmark counts them). */
  polls(profileId: string): number {
    return this.profiles.get(profileId)?.poller?.polls ?? 0;
  }

  /** Evaluates a profile's rules now, at the clock's time: one query, then the incidents' state. */
  async evaluate(profileId: string, signal?: AbortSignal): Promise<AlertStatus> {
    let entry = this.profiles.get(profileId);
    if (!entry) {
      await this.sync();
      entry = this.profiles.get(profileId);
      if (!entry) throw new Error(`Profile "${profileId.slice(0, 64)}" is not watched for alerts.`);
    }
    const now = this.clock.now();
    const rules = this.deps.rules(profileId).filter((r) => r.enabled);
    const rulesKey = JSON.stringify(rules);
    const baselineFresh = entry.baseline !== null && entry.baseline.rulesKey === rulesKey && now - entry.baseline.at < BASELINE_REFRESH_MS && now >= entry.baseline.at;
    // The previous 24 h and the long windows (a day's budget) are read together, every BASELINE_REFRESH_MS; the short windows at every poll.
    const windows: WindowSpec[] = rules.flatMap((r, i) => (isLongWindow(r) && baselineFresh ? [] : windowsOf(r, i, now, !baselineFresh)));
    try {
      const target = await this.deps.target(profileId);
      const answer = await evaluateWindows(target, target.serviceName, rules, windows, signal, this.deps.priceOf);
      if (!baselineFresh) entry.baseline = { at: now, groups: answer.groups.filter((g) => g.window === 'baseline' || isLongWindow(rules[g.rule]!)), rulesKey };
      const cachedLong = baselineFresh ? (entry.baseline?.groups ?? []).filter((g) => g.window === 'current') : [];
      entry.status = this.apply(entry, rules, [...answer.groups, ...cachedLong], entry.baseline?.groups ?? [], now, answer.rowsRead, answer.elapsedMs);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      // Said once per cause, not at every poll of a profile whose ClickHouse is away.
      if (entry.status.error !== why.slice(0, 500)) log.warn(`alert evaluation for ${entry.profile.name} failed: ${why}`);
      // Nothing can be judged: open incidents stay as they are until an evaluation says otherwise.
      entry.status = { ...entry.status, evaluatedAt: now, error: why.slice(0, 500) };
    }
    this.emitter.emit('status', entry.status);
    return entry.status;
  }

  private apply(entry: ProfileAlerts, rules: AlertRule[], groups: GroupMetrics[], baselines: GroupMetrics[], now: number, rowsRead: number, elapsedMs: number): AlertStatus {
    const { profile } = entry;
    const ingestion = this.deps.ingestion?.(profile.id) ?? { fine: false, state: null };
    const seen = new Set<string>();
    let firing = 0;
    const ruleStatuses = rules.map((rule, index) => {
      let judged: ScopeJudgement[] = judgeRule(rule, index, groups, baselines);
      // Traffic gone while ingestion is not fine is the pipeline's incident, not this rule's.
      if (isFloor(rule.metric) && !ingestion.fine) judged = judged.map((j) => ({ ...j, condition: 'between' as const, note: j.note || `not judged while the pipeline is ${ingestion.state ?? 'being checked'} (the pipeline's own incident covers it)` }));
      // Open incidents of scopes that no longer appear (no traffic at all) are judged as clear.
      for (const [k] of entry.tracks) {
        const [, ruleId, scope] = k.split('\u0000') as [string, string, string];
        if (ruleId === rule.id && !judged.some((j) => j.scope === scope)) judged.push({ scope, value: null, threshold: null, baseline: null, requests: 0, topError: '', note: 'no requests in the window', condition: 'clear' });
      }
      const scopes = judged.map((j) => {
        const key = trackKey(profile.id, rule.id, j.scope);
        seen.add(key);
        const before = entry.tracks.get(key) ?? { phase: 'ok' as const, since: now };
        const next = step(before, now, j.condition, rule.forMinutes * 60_000);
        if (next.track.phase === 'ok' && !next.ended) entry.tracks.delete(key);
        else entry.tracks.set(key, next.track);
        const reason = describe(rule, j);
        const explore = exploreSearchFor(rule, j.scope, now);
        const who = j.scope || 'all traffic';
        if (next.started) {
          this.deps.notifier.openAlert(key, { profileId: profile.id, profileName: profile.name, reason, startedAt: now, alert: { ruleId: rule.id, ruleName: rule.name, scope: j.scope, explore } }, `${profile.name}: ${rule.name} — ${who}`);
        } else if (next.ended) {
          entry.tracks.delete(key);
          this.deps.notifier.closeAlert(key, now, `${profile.name}: ${rule.name} back to normal — ${who}`, reason);
        } else if (next.track.phase === 'firing' || next.track.phase === 'clearing') {
          this.deps.notifier.updateAlert(key, reason, explore);
        }
        const isFiring = next.track.phase === 'firing' || next.track.phase === 'clearing';
        if (isFiring) firing++;
        const { condition: _c, ...rest } = j;
        return { ...rest, firing: isFiring, pending: next.track.phase === 'pending' || next.track.phase === 'clearing' };
      });
      return { ruleId: rule.id, name: rule.name, metric: rule.metric, enabled: rule.enabled, summary: `${METRIC_LABEL[rule.metric]} ${thresholdText(rule)} · ${ruleSummary(rule)}`, scopes };
    });
    // Tracks of rules no longer enabled end.
    for (const [k] of entry.tracks) {
      if (seen.has(k)) continue;
      entry.tracks.delete(k);
      this.deps.notifier.closeAlert(k, now, `${profile.name}: alert ended`, 'The rule was turned off or removed.');
    }
    return { profileId: profile.id, profileName: profile.name, evaluatedAt: now, error: null, rules: ruleStatuses, firing, rowsRead, elapsedMs };
  }
}

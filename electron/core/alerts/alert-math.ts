/**
 * From the groups the query computed to each rule's value, threshold and condition per scope;
 * and the small state machine that turns conditions over time into incidents (a minimum
 * duration before one starts and before it ends, and hysteresis so a value hovering at the
 * threshold does not flap). Pure functions: the service, the preview and the CLI share them.
 */
import { BASELINE_MS, formatMetric, isFloor, isRate, isSum, overWindowText, windowText, type AlertMetric, type AlertRule, type AlertScopeValue } from '../../shared/alert-rules.js';
import type { GroupMetrics, WindowSpec } from './alert-query.js';

/** An incident ends only once the value is this far back inside the threshold (a fraction of it). */
export const HYSTERESIS = 0.2;
/** The baseline of the previous 24 h moves slowly: it is recomputed this often, not at every poll. */
export const BASELINE_REFRESH_MS = 10 * 60_000;

/**
 * A rule over this many minutes or more (a day's budget, tokens per day) moves slowly: its window
 * is read with the baseline, every BASELINE_REFRESH_MS, not at every poll.
 */
export const LONG_WINDOW_MINUTES = 360;

export function isLongWindow(rule: Pick<AlertRule, 'windowMinutes'>): boolean {
  return rule.windowMinutes >= LONG_WINDOW_MINUTES;
}

/** The windows a rule needs at `now`: its current window, and the 24 h before it when it compares with them. */
export function windowsOf(rule: AlertRule, index: number, now: number, withBaseline: boolean): WindowSpec[] {
  const w = rule.windowMinutes * 60_000;
  const out: WindowSpec[] = [{ rule: index, window: 'current', fromMs: now - w, toMs: now }];
  if (withBaseline && needsBaseline(rule)) out.push({ rule: index, window: 'baseline', fromMs: now - w - BASELINE_MS, toMs: now - w });
  return out;
}

/** A relative threshold compares with the previous 24 h; a floor rule on each scope learns its scopes there too. */
export function needsBaseline(rule: AlertRule): boolean {
  return rule.threshold.kind === 'relative' || (isFloor(rule.metric) && rule.scope.kind !== 'all' && rule.scope.value === null);
}

/** The metric of a group, in the rule's unit; null when the group cannot say (no requests, no TTFT reported). */
export function metricOf(metric: AlertMetric, g: GroupMetrics | undefined, windowMinutes: number): number | null {
  if (!g) return metric === 'requestsPerMinute' || metric === 'costUsd' || metric === 'tokens' ? 0 : null;
  switch (metric) {
    case 'errorRate':
      return g.requests > 0 ? g.errors / g.requests : null;
    case 'p95LatencyMs':
      return g.p95LatencyMs;
    case 'p95TtftMs':
      return g.p95TtftMs;
    case 'costUsd':
      return g.costUsd;
    case 'tokens':
      return g.tokens;
    case 'requestsPerMinute':
      return g.requests / windowMinutes;
    case 'mcpToolErrorRate':
      return g.mcpCalls > 0 ? g.mcpErrors / g.mcpCalls : null;
  }
}

/** How many requests (or MCP calls) the min-requests rule counts. */
function countOf(metric: AlertMetric, g: GroupMetrics | undefined): number {
  if (!g) return 0;
  return metric === 'mcpToolErrorRate' ? g.mcpCalls : g.requests;
}

export type Condition = 'breach' | 'clear' | 'between';

export interface ScopeJudgement extends Omit<AlertScopeValue, 'firing' | 'pending'> {
  condition: Condition;
}

/**
 * Each scope's value against the threshold. `breach`: beyond it; `clear`: back inside it by the
 * hysteresis (or nothing to judge: too few requests); `between`: inside, but not by enough to end
 * an incident.
 */
export function judgeRule(rule: AlertRule, index: number, groups: readonly GroupMetrics[], baselines: readonly GroupMetrics[]): ScopeJudgement[] {
  const cur = groups.filter((g) => g.rule === index && g.window === 'current');
  const base = baselines.filter((g) => g.rule === index && g.window === 'baseline');
  const scopes = new Set(cur.map((g) => g.scope));
  // A floor on all traffic (or one named scope) is judged even when nothing came; on each scope, for the scopes seen in the previous 24 h.
  if (isFloor(rule.metric)) {
    if (rule.scope.kind === 'all') scopes.add('');
    else if (rule.scope.value !== null) scopes.add(rule.scope.value);
    else for (const g of base) scopes.add(g.scope);
  }
  const floor = isFloor(rule.metric);
  const out: ScopeJudgement[] = [];
  for (const scope of scopes) {
    const g = cur.find((x) => x.scope === scope);
    const b = base.find((x) => x.scope === scope);
    const value = metricOf(rule.metric, g, rule.windowMinutes);
    const requests = countOf(rule.metric, g);
    let threshold: number | null = null;
    let baseline: number | null = null;
    let note = '';
    if (rule.threshold.kind === 'absolute') threshold = rule.threshold.value;
    else {
      const baseRequests = countOf(rule.metric, b);
      // A sum over 24 h compares per the rule's window: "cost per hour 2× yesterday's" means yesterday's hourly cost.
      const raw = b ? metricOf(rule.metric, b, BASELINE_MS / 60_000) : null;
      baseline = raw === null ? null : isSum(rule.metric) && rule.metric !== 'requestsPerMinute' ? (raw * rule.windowMinutes * 60_000) / BASELINE_MS : raw;
      if (baseline === null || baseRequests < Math.max(1, rule.minRequests)) note = 'not enough traffic in the previous 24 h to compare with';
      else threshold = baseline * rule.threshold.factor;
    }
    if (!floor && requests < rule.minRequests) note = `${requests} of the ${rule.minRequests} requests needed in the last ${windowText(rule.windowMinutes)}`;
    let condition: Condition = 'clear';
    if (!note && value !== null && threshold !== null) {
      if (floor) condition = value < threshold ? 'breach' : value > threshold * (1 + HYSTERESIS) || threshold === 0 ? 'clear' : 'between';
      else condition = value > threshold ? 'breach' : value <= threshold * (1 - HYSTERESIS) ? 'clear' : 'between';
    }
    out.push({ scope, value, threshold, baseline, requests, topError: g?.topError ?? '', note, condition });
  }
  return out.sort((a, b) => Number(b.condition === 'breach') - Number(a.condition === 'breach') || (b.value ?? 0) - (a.value ?? 0)).slice(0, 200);
}

export type Phase = 'ok' | 'pending' | 'firing' | 'clearing';
export interface Track {
  phase: Phase;
  since: number;
}

/**
 * One step of a scope's state: an incident starts once the breach has held for `forMs`, and
 * ends once the clearing has held as long. `between` keeps whatever is going on (a value
 * hovering at the threshold neither starts nor ends anything).
 */
export function step(track: Track, now: number, condition: Condition, forMs: number, heldMs = 0): { track: Track; started: boolean; ended: boolean } {
  const since = now - heldMs;
  switch (track.phase) {
    case 'ok':
      if (condition !== 'breach') return { track, started: false, ended: false };
      if (heldMs >= forMs) return { track: { phase: 'firing', since }, started: true, ended: false };
      return { track: { phase: 'pending', since }, started: false, ended: false };
    case 'pending':
      if (condition !== 'breach') return { track: { phase: 'ok', since: now }, started: false, ended: false };
      if (now - track.since >= forMs) return { track: { phase: 'firing', since: now }, started: true, ended: false };
      return { track, started: false, ended: false };
    case 'firing':
      if (condition !== 'clear') return { track, started: false, ended: false };
      if (heldMs >= forMs) return { track: { phase: 'ok', since }, started: false, ended: true };
      return { track: { phase: 'clearing', since }, started: false, ended: false };
    case 'clearing':
      if (condition !== 'clear') return { track: { phase: 'firing', since: track.since }, started: false, ended: false };
      if (now - track.since >= forMs) return { track: { phase: 'ok', since: now }, started: false, ended: true };
      return { track, started: false, ended: false };
  }
}

/** "anthropic-main/claude-sonnet-4: 70 % of 38 requests failed in the last 5 min (429 Rate limit…)". */
export function describe(rule: AlertRule, j: Pick<ScopeJudgement, 'scope' | 'value' | 'threshold' | 'requests' | 'topError' | 'baseline'>): string {
  const who = j.scope || 'All traffic';
  const v = formatMetric(rule.metric, j.value);
  const last = `in the last ${windowText(rule.windowMinutes)}`;
  const vs = rule.threshold.kind === 'relative' ? `${rule.threshold.factor}× the previous 24 h's ${formatMetric(rule.metric, j.baseline)}` : formatMetric(rule.metric, j.threshold);
  const err = j.topError ? ` (${j.topError.slice(0, 120)}${j.topError.length > 120 ? '…' : ''})` : '';
  switch (rule.metric) {
    case 'errorRate':
      return `${who}: ${v} of ${j.requests} requests failed ${last}${err}; threshold ${vs}.`;
    case 'mcpToolErrorRate':
      return `${who}: ${v} of ${j.requests} MCP tool calls failed ${last}${err}; threshold ${vs}.`;
    case 'p95LatencyMs':
      return `${who}: p95 latency ${v} over ${j.requests} requests ${last}, above ${vs}.`;
    case 'p95TtftMs':
      return `${who}: p95 time to first token ${v} over ${j.requests} requests ${last}, above ${vs}.`;
    case 'costUsd':
      return `${who}: ${v} spent ${last}, above ${vs}.`;
    case 'tokens':
      return `${who}: ${v} ${last}, above ${vs}.`;
    case 'requestsPerMinute':
      return `${who}: ${v} ${last}, below ${vs} while spans still arrive.`;
  }
}

/** The same rule, in a sentence for the settings list: "Model: error rate over 5 min above 20 %, at least 20 requests". */
export function ruleSummary(rule: AlertRule): string {
  const scope = rule.scope.kind === 'all' ? 'all traffic' : rule.scope.value ? `${rule.scope.kind} ${rule.scope.value}` : `each ${rule.scope.kind === 'mcpServer' ? 'MCP server' : rule.scope.kind}`;
  const rateish = isRate(rule.metric) || rule.metric === 'p95LatencyMs' || rule.metric === 'p95TtftMs';
  return `${scope}: ${overWindowText(rule.windowMinutes)}${rateish && rule.minRequests ? `, at least ${rule.minRequests} requests` : ''}`;
}

/** Alert rules: the defaults, validation in words, the incident state machine, and where a notification click lands. */
import { describe, expect, it } from 'vitest';
import { HYSTERESIS, judgeRule, step, type Condition, type Track } from '../../electron/core/alerts/alert-math.js';
import { exploreSearchFor } from '../../electron/core/alerts/alert-service.js';
import { navigateFor } from '../../electron/main/tray-notification.js';
import { IncidentNotifier, NOTIFY_LIMIT } from '../../electron/core/health/incident-notifier.js';
import { AlertRule, AlertRules, defaultAlertRules, exploreHref, exploreSearchFromHash } from '../../electron/shared/alert-rules.js';
import { Settings, defaultSettings } from '../../electron/shared/profile-schema.js';

describe('alert rules', () => {
  it('every profile starts covered: model errors and latency on, budgets off until an amount is set', () => {
    const rules = AlertRules.parse(defaultAlertRules());
    expect(rules.filter((r) => r.enabled).map((r) => [r.metric, r.windowMinutes, r.threshold, r.minRequests])).toEqual([
      ['errorRate', 5, { kind: 'absolute', value: 0.2 }, 20],
      ['p95LatencyMs', 15, { kind: 'relative', factor: 2 }, 50],
    ]);
    expect(rules.filter((r) => !r.enabled).map((r) => [r.metric, r.windowMinutes, r.threshold])).toEqual([
      ['costUsd', 60, { kind: 'absolute', value: null }],
      ['costUsd', 1440, { kind: 'absolute', value: null }],
    ]);
    // A settings file from before alerts has none of its own: the defaults apply.
    const { alertRules: _omit, ...old } = defaultSettings();
    expect(Settings.parse(old).alertRules).toEqual({});
  });

  it('refuses what cannot be judged, saying which field and why', () => {
    const base = defaultAlertRules()[2]!;
    const issue = (r: unknown) => {
      const p = AlertRule.safeParse(r);
      return p.success ? null : `${p.error.issues[0]!.path.join('.')}: ${p.error.issues[0]!.message}`;
    };
    expect(issue({ ...base, enabled: true })).toBe('threshold.value: set an amount to turn this rule on');
    expect(issue({ ...base, metric: 'errorRate', threshold: { kind: 'absolute', value: 20 } })).toBe('threshold.value: a rate is between 0 and 100 %');
    expect(issue({ ...base, windowMinutes: 0 })).toBe('windowMinutes: the window is at least 1 minute');
    expect(issue({ ...base, threshold: { kind: 'absolute', value: -1 } })).toBe('threshold.value: a threshold cannot be negative');
    expect(issue({ ...base, metric: 'mcpToolErrorRate', scope: { kind: 'model', value: null }, threshold: { kind: 'absolute', value: 0.1 } })).toBe('scope.kind: an MCP tool error rate is scoped to all traffic or an MCP server');
    expect(issue({ ...base, name: ' ' })).toBe('name: a rule needs a name');
    expect(AlertRules.safeParse([base, base]).success).toBe(false);
  });

  it('an incident starts after the minimum duration, ends after as long a clearing, and a value hovering in between does neither', () => {
    const forMs = 60_000;
    let track: Track = { phase: 'ok', since: 0 };
    const events: string[] = [];
    const seq: [number, Condition][] = [
      [0, 'breach'], [30_000, 'between'], [60_000, 'breach'], [90_000, 'breach'], [120_000, 'breach'], // a blip, then a real breach
      [150_000, 'between'], [180_000, 'breach'], [210_000, 'between'], [240_000, 'clear'], [270_000, 'between'], // hovering: still one incident
      [300_000, 'clear'], [330_000, 'clear'], [360_000, 'clear'],
    ];
    for (const [t, c] of seq) {
      const r = step(track, t, c, forMs);
      track = r.track;
      if (r.started) events.push(`start@${t}`);
      if (r.ended) events.push(`end@${t}`);
    }
    expect(events).toEqual(['start@120000', 'end@360000']);
  });

  it('judges with hysteresis: above the threshold breaches, back by 20 % clears, between holds; too few requests decide nothing', () => {
    const rule = AlertRule.parse(defaultAlertRules()[0]);
    const g = (scope: string, requests: number, errors: number) => ({ rule: 0, window: 'current', scope, requests, errors, p95LatencyMs: 1, p95TtftMs: null, costUsd: 0, tokens: 0, mcpCalls: 0, mcpErrors: 0, topError: '' });
    const judged = judgeRule(rule, 0, [g('a', 100, 21), g('b', 100, 18), g('c', 100, 100 * 0.2 * (1 - HYSTERESIS)), g('d', 19, 19)], []);
    expect(Object.fromEntries(judged.map((j) => [j.scope, j.condition]))).toEqual({ a: 'breach', b: 'between', c: 'clear', d: 'clear' });
    expect(judged.find((j) => j.scope === 'd')!.note).toBe('19 of the 20 requests needed in the last 5 min');
  });

  it('a click on an alert’s notification lands on Explore with the scope and window as the search; a pipeline’s on Health', () => {
    const rule = AlertRule.parse(defaultAlertRules()[0]);
    const explore = exploreSearchFor(rule, 'anthropic-main/claude-sonnet-4', 1_800_000_300_000);
    expect(explore).toEqual({ query: 'model:"anthropic-main/claude-sonnet-4" status:error', fromMs: 1_800_000_000_000, toMs: 1_800_000_300_000 });
    expect(navigateFor({ profileId: 'p', title: 't', body: 'b', explore })).toEqual({ view: 'explore', explore });
    expect(navigateFor({ profileId: 'p', title: 't', body: 'b' })).toEqual({ view: 'health' });
    expect(exploreSearchFromHash(exploreHref(explore))).toEqual(explore);
    expect(exploreSearchFromHash('#/explore')).toBeNull();
  });

  it('alert notifications share the pipeline’s pause but have a limit of their own; an unannounced start ends unannounced', () => {
    const sent: string[] = [];
    const notifier = new IncidentNotifier((n) => sent.push(n.title));
    const alert = (scope: string) => ({ profileId: 'p', profileName: 'P', reason: `${scope} failing`, startedAt: 1_000, alert: { ruleId: 'r', ruleName: 'R', scope, explore: { query: '', fromMs: 0, toMs: 1 } } });
    notifier.pause(5_000);
    const paused = notifier.openAlert('p\u0000r\u0000a', alert('a'), 'start a');
    expect(paused.notified).toBe(false);
    notifier.closeAlert('p\u0000r\u0000a', 6_000, 'end a', 'ok');
    expect(sent).toEqual([]);
    notifier.pause(0);
    // Four pipeline incidents do not use up the alerts' notifications…
    for (let i = 0; i < NOTIFY_LIMIT; i++) notifier.update(`q${i}`, `Q${i}`, 'Down', 'down', 10_000 + i);
    const announced = notifier.openAlert('p\u0000r\u0000b', { ...alert('b'), startedAt: 20_000 }, 'start b');
    expect(announced.notified).toBe(true);
    expect(sent).toHaveLength(NOTIFY_LIMIT + 1);
    // …four alerts do.
    for (let i = 0; i < NOTIFY_LIMIT - 1; i++) notifier.openAlert(`p\u0000r\u0000c${i}`, { ...alert(`c${i}`), startedAt: 21_000 + i }, `start c${i}`);
    const limited = notifier.openAlert('p\u0000r\u0000d', { ...alert('d'), startedAt: 30_000 }, 'start d');
    expect(limited).toMatchObject({ notified: false, unannounced: 'limit' });
    expect(sent).toHaveLength(2 * NOTIFY_LIMIT);
    expect(notifier.incidents.filter((i) => i.state === 'Alert').map((i) => [i.alert!.scope, i.endedAt]).slice(-2)).toEqual([['b', null], ['a', 6_000]]);
  });
});

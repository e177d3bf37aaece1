/** State rules, backoff and notification policy: pure parts, every branch. */
import { describe, expect, it } from 'vitest';
import { nextDelayMs } from '../../electron/core/health/backoff.js';
import { deriveState, type Observations } from '../../electron/core/health/derive-state.js';
import { IncidentNotifier, NOTIFY_LIMIT, NOTIFY_WINDOW_MS } from '../../electron/core/health/incident-notifier.js';

const NOW = 1_800_000_000_000;
const ok = { ok: true, detail: 'ok' };
const base: Observations = {
  now: NOW,
  stallThresholdMs: 10 * 60_000,
  collector: ok,
  otlp: ok,
  clickhouse: ok,
  newestSpanAt: NOW - 30_000,
  spansLastHour: 120,
  canary: { enabled: false, lastLanded: null, detail: '', latencyMs: null },
};

describe('pipeline state', () => {
  it.each([
    ['fresh spans', {}, 'Healthy'],
    ['collector and OTLP unreachable', { collector: { ok: false, detail: 'refused' }, otlp: { ok: false, detail: 'refused' } }, 'Down'],
    ['ClickHouse unreachable', { clickhouse: { ok: false, detail: 'timed out' } }, 'Down'],
    ['damaged parts set aside, spans still flow', { collector: { ok: false, failure: 'damaged', detail: 'set aside 1 damaged part' } }, 'Degraded'],
    ['the sandbox cannot store spans, though OTLP answers', { collector: { ok: false, failure: 'storage', detail: 'The sandbox cannot store spans: the disk is full.' } }, 'Down'],
    ['no table', { clickhouse: { ok: false, failure: 'unconfigured', detail: 'There is no otel_traces in default: run the ClickHouse step in Setup.' } }, 'Unconfigured'],
    // The state follows the failure's kind, not its wording.
    ['ClickHouse unreachable, whatever the message says', { clickhouse: { ok: false, failure: 'unreachable', detail: 'Run the ClickHouse step: no otel_traces' } }, 'Down'],
    ['silence after traffic, no canary', { newestSpanAt: NOW - 11 * 60_000 }, 'Stalled'],
    ['no traffic at all, no canary', { newestSpanAt: null, spansLastHour: 0 }, 'Idle'],
    ['silence, canary lands', { newestSpanAt: NOW - 11 * 60_000, canary: { enabled: true, lastLanded: true, detail: '', latencyMs: 6000 } }, 'Idle'],
    ['silence, canary lost', { newestSpanAt: NOW - 11 * 60_000, canary: { enabled: true, lastLanded: false, detail: 'never queryable', latencyMs: null } }, 'Stalled'],
    ['spans flow but the OTLP probe fails', { otlp: { ok: false, detail: '401' } }, 'Degraded'],
    ['silence, and the OTLP port does not answer (health still does)', { newestSpanAt: NOW - 11 * 60_000, otlp: { ok: false, failure: 'unreachable', detail: 'Nothing is listening at otel:4317' } }, 'Down'],
    ['silence, and the OTLP probe times out', { newestSpanAt: null, spansLastHour: 0, otlp: { ok: false, failure: 'timeout', detail: 'no answer in time' } }, 'Down'],
    ['silence, and our profile’s token is refused: the gateway may hold the right one', { newestSpanAt: NOW - 11 * 60_000, otlp: { ok: false, failure: 'auth', detail: '401' } }, 'Stalled'],
    ['spans flow but the canary is slow', { canary: { enabled: true, lastLanded: true, detail: '', latencyMs: 45_000 } }, 'Degraded'],
  ] as const)('%s → %s', (_label, patch, expected) => {
    expect(deriveState({ ...base, ...patch } as Observations).state).toBe(expected);
  });

  it('gives a reason a person can act on', () => {
    expect(deriveState({ ...base, newestSpanAt: NOW - 11 * 60_000 }).reason).toBe('No new gateway spans for 11 min (threshold 10 min), after traffic earlier in the hour.');
  });
});

describe('backoff', () => {
  it('polls on the interval while healthy; a failed probe is retried soon, doubling, never less often than the interval', () => {
    const mid = () => 0.5; // no jitter
    expect(nextDelayMs(30_000, 0, mid)).toBe(30_000);
    expect([1, 2, 3, 4, 5, 6].map((f) => nextDelayMs(30_000, f, mid))).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(nextDelayMs(30_000, 30, mid)).toBe(30_000);
    const spread = new Set(Array.from({ length: 20 }, () => nextDelayMs(30_000, 3)));
    expect(spread.size).toBeGreaterThan(1);
    for (const d of spread) {
      expect(d).toBeGreaterThanOrEqual(6_400);
      expect(d).toBeLessThanOrEqual(9_600);
    }
    // Jitter never pushes a retry past the interval.
    for (let i = 0; i < 20; i++) expect(nextDelayMs(30_000, 5)).toBeLessThanOrEqual(30_000);
  });
});

describe('notifications', () => {
  it('keeps an open incident saying what the headline says now', () => {
    const n = new IncidentNotifier(() => undefined);
    n.update('p', 'Prod', 'Down', 'ClickHouse does not answer: timed out', NOW);
    n.update('p', 'Prod', 'Down', 'The collector does not answer: refused', NOW + 1);
    expect(n.incidents[0]).toMatchObject({ state: 'Down', reason: 'The collector does not answer: refused', startedAt: NOW, endedAt: null });
    n.update('p', 'Prod', 'Healthy', 'ok', NOW + 2);
    expect(n.incidents[0]!.endedAt).toBe(NOW + 2);
  });

  it('never says Healthy while a tile fails', () => {
    const tile = (id: string, ok: boolean) => ({ id, title: id === 'collector' ? 'Collector health' : id, ok, detail: ok ? 'fine' : 'refused', failure: ok ? null : ('unreachable' as const), at: NOW, durationMs: 1 });
    const fresh = { ...base, newestSpanAt: NOW - 1_000, spansLastHour: 10, otlp: { ok: true, detail: 'ok' }, collector: { ok: false, detail: 'refused', failure: 'unreachable' as const } };
    const derived = deriveState({ ...fresh, tiles: [tile('collector', false), tile('otlp', true), tile('clickhouse', true)] } as Observations);
    expect(derived).toEqual({ state: 'Degraded', reason: 'Spans arrive, but Collector health fails: refused' });
    const allOk = deriveState({ ...fresh, collector: { ok: true, detail: 'ok' }, tiles: [tile('collector', true), tile('otlp', true), tile('clickhouse', true)] } as Observations);
    expect(allOk.state).toBe('Healthy');
  });

  it('notifies once on entering Stalled or Down, never while it lasts, and once on recovery', () => {
    const sent: string[] = [];
    const n = new IncidentNotifier((x) => sent.push(x.title));
    n.update('p', 'Prod', 'Healthy', 'ok', NOW);
    n.update('p', 'Prod', 'Down', 'collector refused', NOW + 1);
    n.update('p', 'Prod', 'Down', 'collector refused', NOW + 2);
    n.update('p', 'Prod', 'Stalled', 'no spans', NOW + 3);
    n.update('p', 'Prod', 'Degraded', 'slow', NOW + 4);
    n.update('p', 'Prod', 'Healthy', 'ok', NOW + 5);
    n.update('p', 'Prod', 'Healthy', 'ok', NOW + 6);
    expect(sent).toEqual(['Prod: pipeline down', 'Prod: pipeline recovered']);
    expect(n.incidents).toHaveLength(1);
    // It says what the headline said last while it lasted (Stalled: no spans), and when it began.
    expect(n.incidents[0]).toMatchObject({ state: 'Stalled', reason: 'no spans', startedAt: NOW + 1, endedAt: NOW + 5, notified: true });
  });

  it('bounds a flapping pipeline across profiles to the rate limit', () => {
    const sent: number[] = [];
    const n = new IncidentNotifier(() => sent.push(1));
    for (let i = 0; i < 200; i++) for (const p of ['a', 'b', 'c']) n.update(p, p, i % 2 ? 'Healthy' : 'Down', 'x', NOW + i * 1000);
    expect(sent.length).toBe(NOTIFY_LIMIT);
    // After the window passes, one more incident may notify again.
    n.update('a', 'a', 'Down', 'x', NOW + 200_000 + NOTIFY_WINDOW_MS);
    expect(sent.length).toBe(NOTIFY_LIMIT + 1);
  });

  it('does not announce a new profile\'s trouble until its pipeline has worked once, then does', () => {
    const sent: string[] = [];
    const n = new IncidentNotifier((x) => sent.push(x.title));
    n.newProfile('p');
    n.update('p', 'New', 'Down', 'nothing listens at 127.0.0.1:13133', NOW);
    expect(sent, 'still being set up').toEqual([]);
    expect(n.incidents[0]).toMatchObject({ state: 'Down', notified: false, unannounced: 'setting-up' });
    n.update('p', 'New', 'Healthy', 'ok', NOW + 60_000);
    expect(sent, 'no recovery for an incident never announced').toEqual([]);
    n.update('p', 'New', 'Down', 'collector refused', NOW + 120_000);
    expect(sent).toEqual(['New: pipeline down']);
    // A profile there at start is not being set up: its first trouble is announced.
    n.update('q', 'Prod', 'Down', 'collector refused', NOW);
    expect(sent).toEqual(['New: pipeline down', 'Prod: pipeline down']);
  });

  it('keeps the pipeline\'s limit apart from the alerts\': a burst of alerts does not silence a Down, and says why what it silences went unannounced', () => {
    const sent: string[] = [];
    const n = new IncidentNotifier((x) => sent.push(x.title));
    const alert = (i: number) => n.openAlert(`p\u0000rule\u0000m${i}`, { profileId: 'p', profileName: 'Prod', reason: `model m${i} failing`, startedAt: NOW + i, alert: null }, `Prod: m${i}`);
    for (let i = 0; i < NOTIFY_LIMIT; i++) alert(i);
    expect(alert(NOTIFY_LIMIT)).toMatchObject({ notified: false, unannounced: 'limit' });
    n.update('p', 'Prod', 'Down', 'collector refused', NOW + 10);
    expect(sent.at(-1)).toBe('Prod: pipeline down');
    expect(n.incidents[0]).toMatchObject({ state: 'Down', notified: true, unannounced: null });
  });

  it('records but does not announce incidents while paused, and announces no recovery for them', () => {
    const sent: string[] = [];
    const n = new IncidentNotifier((x) => sent.push(x.title));
    n.pause(NOW + 3_600_000);
    n.update('p', 'Prod', 'Down', 'x', NOW);
    n.update('p', 'Prod', 'Healthy', 'x', NOW + 3_700_000);
    expect(sent).toEqual([]);
    expect(n.incidents[0]!.notified).toBe(false);
    expect(n.incidents[0]!.unannounced).toBe('paused');
  });
});

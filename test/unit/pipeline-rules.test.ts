/** State rules, backoff and notification policy: pure parts, every branch. */
import { describe, expect, it } from 'vitest';
import { BACKOFF_MAX_MS, nextDelayMs } from '../../electron/core/health/backoff.js';
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
  it('polls on the interval while healthy, and backs off exponentially with jitter up to a cap while failing', () => {
    const mid = () => 0.5; // no jitter
    expect(nextDelayMs(30_000, 0, mid)).toBe(30_000);
    expect([1, 2, 3, 4].map((f) => nextDelayMs(30_000, f, mid))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(nextDelayMs(30_000, 30, mid)).toBe(BACKOFF_MAX_MS);
    const spread = new Set(Array.from({ length: 20 }, () => nextDelayMs(30_000, 2)));
    expect(spread.size).toBeGreaterThan(1);
    for (const d of spread) {
      expect(d).toBeGreaterThanOrEqual(48_000);
      expect(d).toBeLessThanOrEqual(72_000);
    }
  });
});

describe('notifications', () => {
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
    expect(n.incidents[0]).toMatchObject({ state: 'Down', endedAt: NOW + 5, notified: true });
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

  it('records but does not announce incidents while paused, and announces no recovery for them', () => {
    const sent: string[] = [];
    const n = new IncidentNotifier((x) => sent.push(x.title));
    n.pause(NOW + 3_600_000);
    n.update('p', 'Prod', 'Down', 'x', NOW);
    n.update('p', 'Prod', 'Healthy', 'x', NOW + 3_700_000);
    expect(sent).toEqual([]);
    expect(n.incidents[0]!.notified).toBe(false);
  });
});

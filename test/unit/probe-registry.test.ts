/**
 * A probe is one file and one registry line: a monitor given one more probe definition shows its
 * tile (its id and title, in order) with the typed kind of its failure, and the state never says
 * Healthy while that tile fails — no other file names it.
 */
import { describe, expect, it } from 'vitest';
import { ProfileMonitor } from '../../electron/core/health/profile-monitor.js';
import { ProbeFailure, type ProbeDefinition } from '../../electron/core/health/probes/probe.js';
import { PROBES } from '../../electron/core/health/probes/registry.js';
import type { CheckTarget } from '../../electron/core/setup/check-target.js';

const NOW = Date.now();
const target: CheckTarget = { kind: 'remote', clickhouseUrl: 'http://127.0.0.1:9', clickhouseUser: 'default', password: '', database: 'default', otlpEndpoint: null, otlpToken: null, healthUrl: null, serviceName: 's' };

/** Stand-ins for the registry's three always-on probes, answering as a healthy pipeline does. */
const fine = (id: string, title: string, value: unknown = null): ProbeDefinition<unknown> => ({ id, title, intervalMs: (s) => s.pollIntervalMs, run: async () => ({ ok: true, detail: `${title} fine`, value }) });

describe('the probe registry', () => {
  it('lists every probe with its own id and title, in the Health view’s order', () => {
    expect(PROBES.map((p) => [p.id, p.title])).toEqual([['collector', 'Collector health'], ['otlp', 'OTLP endpoint'], ['clickhouse', 'ClickHouse'], ['canary', 'Canary']]);
  });

  it('takes a new probe from its definition alone: its tile, its typed failure, and the state', async () => {
    let failing = true;
    const disk: ProbeDefinition<null> = {
      id: 'disk',
      title: 'Disk space',
      pendingDetail: 'Not measured yet.',
      intervalMs: (s) => s.pollIntervalMs,
      run: async () => {
        if (failing) throw new ProbeFailure('storage', 'The disk under the data folder is 99 % full.');
        return { ok: true, detail: 'Plenty of room.', value: null };
      },
    };
    const monitor = new ProfileMonitor({
      profileId: 'p',
      profileName: 'P',
      pollIntervalMs: 30_000,
      stallThresholdMs: 10 * 60_000,
      canaryIntervalMs: null,
      target: async () => target,
      probes: [fine('collector', 'Collector health'), fine('otlp', 'OTLP endpoint'), fine('clickhouse', 'ClickHouse', { newestSpanAt: NOW - 5_000, spansLastHour: 3, spansPerMinute: [] }), disk],
    });
    expect(monitor.status.components.find((c) => c.id === 'disk')).toMatchObject({ title: 'Disk space', ok: null, detail: 'Not measured yet.' });
    const down = await monitor.checkNow();
    expect(down.components.map((c) => c.id)).toEqual(['collector', 'otlp', 'clickhouse', 'disk']);
    expect(down.components.at(-1)).toMatchObject({ ok: false, failure: 'storage', detail: 'The disk under the data folder is 99 % full.' });
    expect(down).toMatchObject({ state: 'Degraded', reason: 'Spans arrive, but Disk space fails: The disk under the data folder is 99 % full.' });
    failing = false;
    const healthy = await monitor.checkNow();
    expect(healthy.state).toBe('Healthy');
    expect(healthy.components.every((c) => c.ok === true && c.failure === null)).toBe(true);
    monitor.stop();
  });
});

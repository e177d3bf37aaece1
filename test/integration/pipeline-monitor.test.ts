/**
 * The pipeline monitor against a real sandbox with an injected clock: Down within one poll,
 * Stalled after the threshold (Idle when the canary lands), exactly one recovery notification,
 * pollers that never overlap and back off while a target hangs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentNotifier } from '../../electron/core/health/incident-notifier.js';
import { Poller } from '../../electron/core/health/poller.js';
import { ProfileMonitor } from '../../electron/core/health/profile-monitor.js';
import { collectorProbe } from '../../electron/core/health/probes/collector-probe.js';
import type { CheckTarget } from '../../electron/core/setup/check-target.js';
import { FakeClock } from '../support/fake-clock.js';
import { hexId, postOtlp } from '../support/otlp-http.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.dispose();
});

const MIN = 60_000;

function targetFor(s: TestSandbox, serviceName: string): CheckTarget {
  return { kind: 'remote', clickhouseUrl: s.clickhouse, clickhouseUser: 'default', password: '', database: 'default', otlpEndpoint: s.otlp, otlpToken: null, healthUrl: s.health, serviceName };
}

/** A gateway span that started at the fake clock's "now". */
async function sendSpanAt(s: TestSandbox, service: string, atMs: number) {
  const start = BigInt(atMs) * 1_000_000n;
  const body = JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ spans: [{ traceId: hexId(16), spanId: hexId(8), name: 'ChatCompletion', kind: 2, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 1_000_000n) }] }] }],
  });
  expect((await postOtlp(s.otlp, body)).status).toBe(200);
}

function watch(monitor: ProfileMonitor, clock: FakeClock) {
  const notes: string[] = [];
  const notifier = new IncidentNotifier((n) => notes.push(n.title));
  monitor.onStatus((s) => notifier.update(s.profileId, s.profileName, s.state, s.reason, clock.now()));
  return notes;
}

async function settle(monitor: ProfileMonitor) {
  await monitor.settled();
}

describe('pipeline monitor', () => {
  it('goes Stalled after the threshold, notifies once, and recovers with exactly one notification', async () => {
    const clock = new FakeClock();
    const service = `gw-${hexId(8)}`;
    let target = targetFor(sandbox, service);
    const monitor = new ProfileMonitor({ profileId: 'p', profileName: 'Prod', pollIntervalMs: 30_000, stallThresholdMs: 10 * MIN, canaryIntervalMs: null, target: async () => target, clock });
    const notes = watch(monitor, clock);
    await sendSpanAt(sandbox, service, clock.now());
    monitor.start();
    await settle(monitor);
    expect(monitor.status.state).toBe('Healthy');

    // No new spans; the next polls come after the threshold.
    clock.advance(11 * MIN);
    await settle(monitor);
    expect(monitor.status.state).toBe('Stalled');
    expect(monitor.status.reason).toMatch(/No new gateway spans for 11 min/);
    clock.advance(30_000);
    await settle(monitor);
    expect(notes).toEqual(['Prod: pipeline stalled']);

    await sendSpanAt(sandbox, service, clock.now());
    clock.advance(30_000);
    await settle(monitor);
    expect(monitor.status.state).toBe('Healthy');
    clock.advance(30_000);
    await settle(monitor);
    expect(notes).toEqual(['Prod: pipeline stalled', 'Prod: pipeline recovered']);

    // The receiver and ClickHouse stop: Down within one poll.
    await sandbox.stop();
    clock.advance(30_000);
    await settle(monitor);
    expect(monitor.status.state).toBe('Down');
    expect(notes.at(-1)).toBe('Prod: pipeline down');

    sandbox = await startTestSandbox({ dataDir: sandbox.dataDir });
    target = targetFor(sandbox, service);
    await sendSpanAt(sandbox, service, clock.now());
    await monitor.checkNow();
    expect(monitor.status.state).toBe('Healthy');
    expect(notes).toEqual(['Prod: pipeline stalled', 'Prod: pipeline recovered', 'Prod: pipeline down', 'Prod: pipeline recovered']);
    monitor.stop();
  }, 60_000);

  it('says Idle instead of Stalled while the canary still lands', async () => {
    const clock = new FakeClock();
    const service = `quiet-${hexId(8)}`;
    await sendSpanAt(sandbox, service, clock.now() - 20 * MIN);
    const target = targetFor(sandbox, service);
    const without = new ProfileMonitor({ profileId: 'a', profileName: 'A', pollIntervalMs: 30_000, stallThresholdMs: 10 * MIN, canaryIntervalMs: null, target: async () => target, clock });
    const withCanary = new ProfileMonitor({ profileId: 'b', profileName: 'B', pollIntervalMs: 30_000, stallThresholdMs: 10 * MIN, canaryIntervalMs: 5 * MIN, target: async () => target, clock });
    await without.checkNow();
    await withCanary.checkNow();
    expect(without.status.state).toBe('Stalled');
    expect(withCanary.status.state).toBe('Idle');
    expect(withCanary.status.reason).toMatch(/the canary still lands/);
    expect(withCanary.status.canaryLatencies[0]!.latencyMs).toBeGreaterThan(0);
  }, 60_000);

  it('sends the canary and the OTLP probe over gRPC when the gateway exports over gRPC, and says Down when that port is closed', async () => {
    const clock = new FakeClock();
    const service = `quiet-grpc-${hexId(8)}`;
    await sendSpanAt(sandbox, service, clock.now() - 20 * MIN);
    // The HTTP endpoint is a closed port: only the gRPC path can make this monitor healthy.
    const target: CheckTarget = { ...targetFor(sandbox, service), otlpEndpoint: 'http://127.0.0.1:9/v1/traces', otlpProtocol: 'grpc', otlpGrpcEndpoint: `http://${sandbox.otlpGrpc}` };
    const monitor = new ProfileMonitor({ profileId: 'g', profileName: 'G', pollIntervalMs: 30_000, stallThresholdMs: 10 * MIN, canaryIntervalMs: 5 * MIN, target: async () => target, clock });
    await monitor.checkNow();
    expect(monitor.status.state, monitor.status.reason).toBe('Idle');
    expect(monitor.status.canaryLatencies[0]!.latencyMs).toBeGreaterThan(0);
    const closed = new ProfileMonitor({ profileId: 'h', profileName: 'H', pollIntervalMs: 30_000, stallThresholdMs: 10 * MIN, canaryIntervalMs: null, target: async () => ({ ...target, otlpGrpcEndpoint: 'http://127.0.0.1:9' }), clock });
    await closed.checkNow();
    expect(closed.status.state).toBe('Down');
    expect(closed.status.reason).toMatch(/127\.0\.0\.1:9/);
  }, 60_000);
});

describe('pollers', () => {
  let hanging: Server;
  let url: string;
  beforeAll(async () => {
    hanging = createServer(() => undefined);
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    hanging.closeAllConnections();
    hanging.close();
  });

  it('never overlap, time out each poll, and retry on a short, doubling backoff while the target hangs', async () => {
    const clock = new FakeClock();
    let running = 0;
    let maxRunning = 0;
    const target: CheckTarget = { kind: 'remote', clickhouseUrl: url, clickhouseUser: 'default', password: '', database: 'default', otlpEndpoint: `${url}/v1/traces`, otlpToken: null, healthUrl: `${url}/`, serviceName: 's' };
    const poller = new Poller({
      name: 'collector',
      intervalMs: 30_000,
      timeoutMs: 300,
      clock,
      random: () => 0.5,
      poll: async (signal) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        try {
          return await collectorProbe.run(target, { now: clock.now(), signal });
        } finally {
          running--;
        }
      },
    });
    poller.start();
    // Asking again while a poll hangs joins it instead of starting another.
    const joined = await Promise.all([poller.runNow(), poller.runNow(), poller.runNow()]);
    expect(joined.every((r) => !r.ok && /timed out after 0.3 s/.test(r.error))).toBe(true);
    await poller.settled();
    for (let i = 0; i < 3; i++) {
      clock.advance(10 * MIN);
      await poller.settled();
    }
    expect(maxRunning).toBe(1);
    expect(poller.consecutiveFailures).toBe(4);
    // Retried soon after a failure (so recovery is seen at the next poll), doubling, capped at the interval.
    expect(clock.scheduledDelays).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(clock.pending).toBe(1);
    poller.stop();
    expect(clock.pending).toBe(0);
  }, 30_000);
});

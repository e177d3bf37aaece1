/**
 * ClickHouse answering slowly, through a delaying proxy in front of a real sandbox: the
 * ClickHouse poller times out and backs off, recovers its normal interval once the answers
 * are quick again, and the app keeps answering other calls while a slow query is in flight.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeCore, type ComposedCore } from '../../electron/core/compose-core.js';
import { Poller } from '../../electron/core/health/poller.js';
import { readFreshness } from '../../electron/core/health/probes/clickhouse-probe.js';
import { openConfFile } from '../../electron/core/profiles/conf-file.js';
import type { CheckTarget } from '../../electron/core/setup/check-target.js';
import { startWebBridge, type WebBridge } from '../../electron/web/web-bridge.js';
import { FakeClock } from '../support/fake-clock.js';
import { startDelayingProxy, type DelayingProxy } from '../support/delaying-proxy.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';
import { callBridge } from '../support/bridge-call.js';

let sandbox: TestSandbox;
let proxy: DelayingProxy;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  proxy = await startDelayingProxy(sandbox.clickhouse);
});
afterAll(async () => {
  proxy?.close();
  await sandbox?.dispose();
});

describe('a slow ClickHouse', () => {
  it('makes the poller time out and back off, and it returns to its interval when answers are quick again', async () => {
    const clock = new FakeClock();
    const target: CheckTarget = { kind: 'remote', clickhouseUrl: proxy.url, clickhouseUser: 'default', password: '', database: 'default', otlpEndpoint: sandbox.otlp, otlpToken: null, healthUrl: sandbox.health, serviceName: 'tfy-llm-gateway' };
    const outcomes: boolean[] = [];
    const poller = new Poller({ name: 'clickhouse', intervalMs: 30_000, timeoutMs: 400, clock, random: () => 0.5, poll: (signal) => readFreshness(target, clock.now(), signal) });
    poller.onResult((o) => outcomes.push(o.ok));

    proxy.delayMs = 1_500;
    poller.start();
    await poller.settled();
    for (let i = 0; i < 2; i++) {
      clock.advance(10 * 60_000);
      await poller.settled();
    }
    expect(outcomes).toEqual([false, false, false]);
    expect(poller.last?.ok === false && poller.last.error).toMatch(/timed out after 0.4 s/);
    // Retried soon, each wait twice the one before and never under the interval's rate: a slow server is not hammered,
    // and one that answers again is seen within seconds.
    expect(clock.scheduledDelays).toEqual([2_000, 4_000, 8_000]);

    proxy.delayMs = 0;
    clock.advance(10 * 60_000);
    await poller.settled();
    expect(outcomes.at(-1)).toBe(true);
    expect(clock.scheduledDelays.at(-1)).toBe(30_000);
    poller.stop();
  }, 30_000);

  it('leaves the app answering other calls while a slow query is in flight', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cst-slow-'));
    let composed: ComposedCore | undefined;
    let bridge: WebBridge | undefined;
    try {
      composed = composeCore({ transport: 'web', version: '0.0.0', dataDir: home, sandbox: null, openSettingsFile: openConfFile, keychainService: `clickstack-tray-test-${randomUUID()}` });
      await composed.core.start();
      bridge = await startWebBridge({ core: composed.core, staticDir: home });
      const call = async (method: string, input: unknown) => {
        const { status, text } = await callBridge(bridge!, method, input);
        return { status, body: JSON.parse(text) as { result?: unknown; error?: { message: string } } };
      };
      const created = (await call('profiles.create', { fields: { name: 'Slow', otlpEndpoint: sandbox.otlp, clickhouseUrl: proxy.url, healthUrl: sandbox.health } })).body.result as { id: string };
      proxy.delayMs = 0;
      expect((await call('setup.runStep', { profileId: created.id, step: 'clickhouse' })).body.result).toMatchObject({ status: 'passed' });

      proxy.delayMs = 3_000;
      const order: string[] = [];
      const now = Date.now();
      const slow = call('traces.search', { profileId: created.id, query: '', fromMs: now - 3_600_000, toMs: now, allServices: true }).then((r) => {
        order.push('search');
        return r;
      });
      await new Promise((r) => setTimeout(r, 100)); // the search is now waiting on the proxy
      for (const method of ['app.getInfo', 'profiles.list', 'pipeline.statuses', 'testTrace.history']) {
        const r = await call(method, {});
        expect(r.status, method).toBe(200);
        order.push(method);
      }
      const searched = await slow;
      expect(searched.status).toBe(200);
      // Every quick call came back while the search was still waiting on ClickHouse.
      expect(order).toEqual(['app.getInfo', 'profiles.list', 'pipeline.statuses', 'testTrace.history', 'search']);
    } finally {
      proxy.delayMs = 0;
      await bridge?.close();
      await composed?.core.stop();
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});

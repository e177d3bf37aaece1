/**
 * Damaged storage is visible: a part whose data file was truncated while the sandbox was down is
 * set aside by the engine when it starts (its day of spans silently gone from every query). The
 * sandbox now says so — how many parts, how many spans — in its health answer; Setup's collector
 * step fails with that sentence, and the pipeline state is Degraded, not Healthy.
 */
import { readdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deriveState } from '../../electron/core/health/derive-state.js';
import { collectorProbe } from '../../electron/core/health/probes/collector-probe.js';
import { checkCollectorHealth } from '../../electron/core/setup/collector-check.js';
import { selectRows } from '../support/otlp-http.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox | null = null;
afterAll(async () => {
  await sandbox?.dispose();
});

describe('a damaged part', () => {
  it('set aside at start is reported with its spans, in health, Setup and the pipeline state', async () => {
    sandbox = await startTestSandbox();
    // All in one day (yesterday, from noon), so one part whatever the hour: the table is partitioned
    // by day, and spans reaching back past midnight made two parts — one survived the damage.
    await selectRows(sandbox.clickhouse, "INSERT INTO otel_traces (Timestamp, TraceId, SpanId, ServiceName, SpanName) SELECT toDateTime64(toStartOfDay(now()) - toIntervalHour(12), 9) + toIntervalSecond(number), toString(number), toString(number), 'tfy-llm-gateway', 'ChatCompletion' FROM numbers(5500)");
    const parts = await selectRows<{ path: string }>(sandbox.clickhouse, "SELECT path FROM system.parts WHERE table = 'otel_traces' AND active");
    expect(parts, 'the spans should make one part, the one damaged below').toHaveLength(1);
    const [part] = parts;
    expect((await checkCollectorHealth(sandbox.health)).status).toBe('passed');
    await sandbox.stop();
    const bin = readdirSync(part!.path).find((f) => f.endsWith('.bin'))!;
    truncateSync(join(part!.path, bin), 10);
    sandbox = await startTestSandbox({ dataDir: sandbox.dataDir });

    const [{ c }] = (await selectRows<{ c: string | number }>(sandbox.clickhouse, 'SELECT count() AS c FROM otel_traces')) as [{ c: string | number }];
    expect(Number(c)).toBe(0); // what the engine did, silently
    const step = await checkCollectorHealth(sandbox.health);
    expect(step.status).toBe('failed');
    expect(step.summary).toMatch(/set aside 1 damaged part of otel_traces when it started .*at least 5,500 spans are no longer readable/);
    const target = { kind: 'sandbox' as const, clickhouseUrl: sandbox.clickhouse, clickhouseUser: 'default', password: '', database: 'default', otlpEndpoint: sandbox.otlp, otlpToken: null, healthUrl: sandbox.health, serviceName: 'tfy-llm-gateway' };
    const failure = (await collectorProbe.run(target, { now: Date.now(), signal: AbortSignal.timeout(10_000) }).catch((e: unknown) => e)) as { failure?: string; message: string };
    expect(failure.failure).toBe('damaged');
    const state = deriveState({ now: Date.now(), stallThresholdMs: 600_000, collector: { ok: false, failure: 'damaged', detail: failure.message }, otlp: { ok: true, detail: 'ok' }, clickhouse: { ok: true, detail: 'ok' }, newestSpanAt: Date.now() - 5_000, spansLastHour: 10, canary: { enabled: false, lastLanded: null, detail: '', latencyMs: null } });
    expect(state).toEqual({ state: 'Degraded', reason: failure.message });
  }, 60_000);
});

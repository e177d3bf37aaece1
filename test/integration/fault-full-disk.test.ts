/**
 * A full disk under the sandbox: exports are refused with a retryable 503 (nothing half
 * stored), the sandbox's health answer says the disk is full, the Setup step and the pipeline
 * state name it (Down, not Healthy), and all of it clears once space is back. On a 40 MiB tmpfs
 * mounted for the test; where the machine does not let the test mount one, it says why and skips.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveState } from '../../electron/core/health/derive-state.js';
import { collectorProbe } from '../../electron/core/health/probes/collector-probe.js';
import { checkCollectorHealth } from '../../electron/core/setup/collector-check.js';
import { hexId, jsonTraceRequest, postOtlp } from '../support/otlp-http.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const mountPoint = mkdtempSync(join(tmpdir(), 'cst-small-disk-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch (error) {
  console.log(`full-disk test skipped: a 40 MiB tmpfs cannot be mounted here (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
}

let sandbox: TestSandbox;
beforeAll(async () => {
  if (!mounted) return;
  const dataDir = join(mountPoint, 'sandbox');
  mkdirSync(dataDir);
  sandbox = await startTestSandbox({ dataDir });
}, 60_000);
afterAll(async () => {
  await sandbox?.stop();
  if (mounted) execFileSync('umount', [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

describe.skipIf(!mounted)('a full disk', () => {
  it('is refused, named in health, Setup and the pipeline state, and clears when space is back', async () => {
    const ok = await postOtlp(sandbox.otlp, jsonTraceRequest([{ traceId: hexId(16), service: 'tfy-llm-gateway', name: 'ChatCompletion' }]));
    expect(ok.status).toBe(200);
    expect((await checkCollectorHealth(sandbox.health)).status).toBe('passed');

    // Fill what is left, but for a few KiB.
    const filler = join(mountPoint, 'filler.bin');
    const free = () => Number(statfsSync(mountPoint).bavail) * Number(statfsSync(mountPoint).bsize);
    writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 16 * 1024)));
    const refused = await postOtlp(sandbox.otlp, jsonTraceRequest(Array.from({ length: 200 }, () => ({ traceId: hexId(16), service: 'tfy-llm-gateway', name: 'ChatCompletion' }))));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).not.toBeNull();

    await new Promise((r) => setTimeout(r, 5_100)); // past one storage proof
    const step = await checkCollectorHealth(sandbox.health);
    expect(step.status).toBe('failed');
    expect(step.summary).toMatch(/The sandbox cannot store spans: The disk under .* is full/);
    const target = { kind: 'sandbox' as const, clickhouseUrl: sandbox.clickhouse, clickhouseUser: 'default', password: '', database: 'default', otlpEndpoint: sandbox.otlp, otlpToken: null, healthUrl: sandbox.health, serviceName: 'tfy-llm-gateway' };
    const failure = await collectorProbe.run(target, { now: Date.now(), signal: AbortSignal.timeout(10_000) }).catch((e: unknown) => e as { failure?: string; message: string });
    expect((failure as { failure?: string }).failure).toBe('storage');
    const state = deriveState({ now: Date.now(), stallThresholdMs: 600_000, collector: { ok: false, failure: 'storage', detail: (failure as Error).message }, otlp: { ok: true, detail: 'accepted an empty export' }, clickhouse: { ok: true, detail: 'ok' }, newestSpanAt: Date.now() - 5_000, spansLastHour: 10, canary: { enabled: false, lastLanded: null, detail: '', latencyMs: null } });
    expect(state.state).toBe('Down');
    expect(state.reason).toMatch(/full/);

    rmSync(filler);
    await new Promise((r) => setTimeout(r, 5_100));
    expect((await checkCollectorHealth(sandbox.health)).status).toBe('passed');
    expect((await postOtlp(sandbox.otlp, jsonTraceRequest([{ traceId: hexId(16), service: 'tfy-llm-gateway', name: 'ChatCompletion' }]))).status).toBe(200);
  }, 90_000);
});

/**
 * The app's sandbox frozen (SIGSTOP) and resumed (SIGCONT), with the whole app composed: while it
 * is frozen every probe times out and the pipeline is Down; once it answers again the pipeline is
 * Healthy with every tile OK within one poll interval plus 15 s (a failed probe is retried on a
 * short backoff, not after a long one), the headline and the open incident say the same, and the
 * incident ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { EventPayload } from '../../electron/shared/contract.js';
import { composeCore, type ComposedCore } from '../../electron/core/compose-core.js';
import { openConfFile } from '../../electron/core/profiles/conf-file.js';
import { SANDBOX_PROFILE_ID } from '../../electron/shared/profile-schema.js';
import { SandboxSupervisor } from '../../electron/core/sandbox-supervisor.js';
import { jsonTraceRequest, postOtlp } from '../support/otlp-http.js';
import { SANDBOX_CLI } from '../support/sandbox.js';

const home = mkdtempSync(join(tmpdir(), 'cst-frozen-'));
let composed: ComposedCore | undefined;
let frozenPid: number | null = null;

afterAll(async () => {
  if (frozenPid) process.kill(frozenPid, 'SIGCONT');
  await composed?.core.stop();
  rmSync(home, { recursive: true, force: true });
});

/** The sandbox profile's poll interval (the default, 30 s). */
const POLL_INTERVAL_MS = 30_000;
const FROZEN_MS = 40_000;

describe('sandbox frozen and resumed', () => {
  it('is Down while frozen, then Healthy with every tile OK within one poll interval + 15 s', async () => {
    const supervisor = new SandboxSupervisor({ command: { execPath: process.execPath, args: SANDBOX_CLI }, dataDir: join(home, 'sandbox') });
    composed = composeCore({ transport: 'web', version: '0.0.0', dataDir: home, sandbox: supervisor, openSettingsFile: openConfFile, keychainService: `clickstack-tray-test-frozen-${process.pid}` });
    const { core, pipeline } = composed;
    type Status = EventPayload<'pipeline.status'>;
    let last: Status | null = null;
    core.on('pipeline.status', (s: Status) => {
      if (s.profileId === SANDBOX_PROFILE_ID) last = s;
    });
    await core.start();
    const profile = (await composed.profiles.state()).profiles.find((p) => p.id === SANDBOX_PROFILE_ID)!;
    expect(profile.pollIntervalSeconds * 1000).toBe(POLL_INTERVAL_MS);
    await postOtlp(supervisor.status.endpoints!.otlp, jsonTraceRequest([{ service: 'tfy-llm-gateway', name: 'ChatCompletion' }]));
    await pipeline.monitor(SANDBOX_PROFILE_ID)!.checkNow();
    const allOk = (s: Status | null) => s !== null && s.state === 'Healthy' && s.components.every((c) => c.ok !== false);
    await vi.waitFor(() => expect(allOk(last)).toBe(true), { timeout: 20_000, interval: 200 });

    frozenPid = supervisor.pid!;
    process.kill(frozenPid, 'SIGSTOP');
    await vi.waitFor(() => expect(last?.state).toBe('Down'), { timeout: POLL_INTERVAL_MS + 15_000, interval: 200 });
    const down = last!;
    // Typed all the way: each failing tile carries its kind, and the state came from kinds, not sentences.
    expect(down.components.filter((c) => c.ok === false).map((c) => c.failure)).toEqual(expect.arrayContaining(['timeout']));
    const incident = () => pipeline.notifier.incidents.find((i) => i.profileId === SANDBOX_PROFILE_ID);
    await new Promise((r) => setTimeout(r, FROZEN_MS - (Date.now() - down.since)));
    expect(incident()?.endedAt).toBeNull();
    // The open incident says what the headline says.
    expect(incident()?.reason).toBe(last!.reason);

    process.kill(frozenPid, 'SIGCONT');
    frozenPid = null;
    const resumedAt = Date.now();
    await vi.waitFor(() => expect(allOk(last)).toBe(true), { timeout: POLL_INTERVAL_MS + 15_000, interval: 200 });
    const tookMs = Date.now() - resumedAt;
    console.log(`sandbox frozen ${FROZEN_MS / 1000} s: Healthy with every tile OK ${(tookMs / 1000).toFixed(1)} s after SIGCONT (bound ${(POLL_INTERVAL_MS + 15_000) / 1000} s)`);
    expect(last!.components.map((c) => [c.id, c.ok])).toEqual([['collector', true], ['otlp', true], ['clickhouse', true], ['canary', null]]);
    expect(incident()?.endedAt).not.toBeNull();
  }, 180_000);
});

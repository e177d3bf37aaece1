/**
 * The app's own sandbox dies under a live tail: the whole app (composed core, real sandbox
 * process) must notice, say Down once, restart it on the same ports and data, say recovered
 * once, and the tail must show every acknowledged span exactly once.
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
import { hexId, nowNanos } from '../support/otlp-http.js';
import { SANDBOX_CLI } from '../support/sandbox.js';

const GATEWAY = 'tfy-llm-gateway';
const home = mkdtempSync(join(tmpdir(), 'cst-fault-'));
let composed: ComposedCore | undefined;

afterAll(async () => {
  await composed?.core.stop();
  rmSync(home, { recursive: true, force: true });
});

/** Posts `n` gateway spans; returns their ids if the receiver acknowledged them, [] if it could not be reached. */
async function send(otlp: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => hexId(8));
  const body = JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: GATEWAY } }] }, scopeSpans: [{ spans: ids.map((spanId) => ({ traceId: hexId(16), spanId, name: 'ChatCompletion', kind: 2, startTimeUnixNano: nowNanos(-50), endTimeUnixNano: nowNanos() })) }] }],
  });
  try {
    const res = await fetch(otlp, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return res.status === 200 ? ids : [];
  } catch {
    return []; // refused: the sandbox is down, the sender (the gateway) would retry
  }
}

describe('sandbox crash under a live tail', () => {
  it('goes Down and back with one notification each way, and the tail loses and repeats nothing', async () => {
    const supervisor = new SandboxSupervisor({ command: { execPath: process.execPath, args: SANDBOX_CLI }, dataDir: join(home, 'sandbox'), restartDelaysMs: [3_000] }); // down longer than a tail poll (2 s), so the tail surely meets the outage
    composed = composeCore({ transport: 'web', version: '0.0.0', dataDir: home, sandbox: supervisor, openSettingsFile: openConfFile, keychainService: `clickstack-tray-test-fault-${process.pid}` });
    const { core } = composed;
    const shown: string[] = [];
    const tailStates: boolean[] = [];
    const notes: string[] = [];
    const states: string[] = [];
    core.on('tail.batch', (b: EventPayload<'tail.batch'>) => shown.push(...b.spans.map((s) => s.spanId)));
    core.on('tail.state', (s: EventPayload<'tail.state'>) => tailStates.push(s.live));
    core.on('pipeline.notification', (n: EventPayload<'pipeline.notification'>) => notes.push(n.title));
    core.on('pipeline.status', (s: EventPayload<'pipeline.status'>) => s.profileId === SANDBOX_PROFILE_ID && states.push(s.state));
    await core.start();
    const before = supervisor.status.endpoints!;

    const sent: string[] = [];
    sent.push(...(await send(before.otlp, 20)));
    await vi.waitFor(() => expect(states.at(-1)).toBe('Healthy'), { timeout: 20_000, interval: 100 });
    const tail = (await core.call('tail.start', { profileId: SANDBOX_PROFILE_ID, query: '', allServices: false })) as { sessionId: string; spans: { spanId: string }[] };
    shown.push(...tail.spans.map((s) => s.spanId));
    sent.push(...(await send(before.otlp, 25)));
    await vi.waitFor(() => expect(shown.length).toBe(45), { timeout: 15_000, interval: 100 });

    // Acknowledged just before the kill, so only a poll after the restart can show them.
    sent.push(...(await send(before.otlp, 30)));
    const crashed = new Promise<void>((resolve) => supervisor.onStatus((s) => s.state === 'crashed' && resolve()));
    process.kill(supervisor.pid!, 'SIGKILL');
    await crashed;
    expect(await send(before.otlp, 5)).toEqual([]); // nothing listens while it is down
    await vi.waitFor(() => expect(states).toContain('Down'), { timeout: 15_000, interval: 100 });

    await vi.waitFor(() => expect(supervisor.status.state).toBe('running'), { timeout: 60_000, interval: 100 });
    expect(supervisor.status.endpoints).toEqual(before); // same ports: every URL the user copied still works
    sent.push(...(await send(before.otlp, 35)));
    await vi.waitFor(() => expect(new Set(shown)).toEqual(new Set(sent)), { timeout: 30_000, interval: 100 });
    await vi.waitFor(() => expect(states.at(-1)).toBe('Healthy'), { timeout: 20_000, interval: 100 });
    // A few more polls: nothing may come twice.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(shown).toHaveLength(sent.length);
    expect(sent).toHaveLength(110);

    expect(notes).toEqual(['Local sandbox: pipeline down', 'Local sandbox: pipeline recovered']);
    expect(tailStates).toEqual([false, true]);
  });
});

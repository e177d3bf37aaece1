/**
 * The CLI beside a running app (real processes): `web` holds the data folder and runs the sandbox;
 * `doctor`, `test-trace` and `tail` with no flags use that sandbox (its lock advertises the
 * endpoints) instead of failing on the lock, and with --json print only JSON, errors included.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveHolder, type LockHolder } from '../../electron/node-shared/instance-lock.js';
import { hexId, jsonTraceRequest, postOtlp } from '../support/otlp-http.js';
import { callBridge } from '../support/bridge-call.js';

const home = mkdtempSync(join(tmpdir(), 'cst-beside-'));
const env: NodeJS.ProcessEnv = { ...process.env, CLICKSTACK_TRAY_HOME: home, CLICKSTACK_TRAY_KEYCHAIN_SERVICE: `clickstack-tray-test-beside-${process.pid}` };
// The collector's variables would pick the environment over the profile: not what this test is about.
delete env.CLICKHOUSE_ENDPOINT;
let web: ChildProcess;
/** The running app's web bridge, to ask it what its window would show. */
let bridge: { url: string; token: string };
let sandbox: LockHolder & { endpoints: NonNullable<LockHolder['endpoints']> };

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', ...args], { env, encoding: 'utf8', timeout: 90_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Only JSON on standard output: every line parses. */
function jsonLines(out: string): unknown[] {
  return out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);
}

beforeAll(async () => {
  web = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', 'web', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('web did not print its URL within 60 s')), 60_000);
    web.once('exit', (code) => reject(new Error(`web exited with ${code}`)));
    createInterface({ input: web.stdout! }).on('line', (line) => {
      if (line.includes('"listening"')) {
        const launch = new URL((JSON.parse(line) as { url: string }).url);
        bridge = { url: launch.origin, token: launch.searchParams.get('token')! };
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const holder = liveHolder(join(home, 'sandbox'));
    if (holder?.endpoints) {
      sandbox = holder as typeof sandbox;
      break;
    }
    if (Date.now() > deadline) throw new Error('the web app’s sandbox did not advertise its endpoints within 60 s');
    await sleep(250);
  }
  // A gateway span, so doctor's step 5 has something to find.
  await postOtlp(sandbox.endpoints.otlp, jsonTraceRequest([{ service: 'tfy-llm-gateway', name: 'ChatCompletion' }]));
}, 120_000);

afterAll(async () => {
  if (web && web.exitCode === null) {
    const exited = new Promise((r) => web.once('exit', r));
    web.kill('SIGTERM');
    await exited;
  }
  rmSync(home, { recursive: true, force: true });
});

describe('the CLI beside a running web app', () => {
  it('doctor --json checks the running app’s sandbox and prints only JSON', () => {
    const { code, out } = cli(['doctor', '--json']);
    const [answer, ...rest] = jsonLines(out) as { target: string; results: { step: string; status: string; summary: string }[] }[];
    expect(rest).toEqual([]);
    expect(answer!.target).toContain(`the sandbox of clickstack-tray web (pid ${web.pid})`);
    const byStep = Object.fromEntries(answer!.results.map((r) => [r.step, r]));
    expect(byStep.clickhouse!.status).toBe('passed');
    expect(byStep.collector!.status).toBe('passed');
    expect(byStep.otlp!.status).toBe('passed');
    expect(byStep.spans!.status).toBe('passed');
    expect(byStep.clickhouse!.summary).toContain('default.otel_traces');
    expect(code).toBe(answer!.results.every((r) => r.status === 'passed') ? 0 : 1);
    // Still the app's own sandbox: the CLI started none and stopped none.
    expect(liveHolder(join(home, 'sandbox'))?.pid).toBe(sandbox.pid);
  });

  it('doctor says what the window says for every step of the same profile', async () => {
    const { out } = cli(['doctor', '--json']);
    const [answer] = jsonLines(out) as { results: { step: string; status: string; summary: string }[] }[];
    for (const r of answer!.results) {
      const { status, text } = await callBridge(bridge, 'setup.runStep', { profileId: 'local-sandbox', step: r.step });
      expect(status).toBe(200);
      const window = (JSON.parse(text) as { result: { status: string; summary: string } }).result;
      // Step 5's "newest span … ago" moves on between the two calls; the rest is word for word.
      if (r.step === 'spans') expect(window.status).toBe(r.status);
      else expect({ step: r.step, status: window.status, summary: window.summary }).toEqual({ step: r.step, status: r.status, summary: r.summary });
    }
    const byStep = Object.fromEntries(answer!.results.map((r) => [r.step, r]));
    expect(byStep.collector!.summary).toMatch(/^No collector needed: the sandbox receives OTLP itself/);
    expect(byStep.truefoundry!).toMatchObject({ status: 'passed', summary: expect.stringContaining('Nothing to configure in TrueFoundry for the local sandbox') });
  });

  it('doctor --profile names the profile and uses the same sandbox', () => {
    const { out } = cli(['doctor', '--profile', 'Local sandbox', '--json']);
    const [answer] = jsonLines(out) as { target: string; results: { step: string; status: string }[] }[];
    expect(answer!.target).toMatch(/^profile "Local sandbox", the sandbox of clickstack-tray web/);
    expect(answer!.results.find((r) => r.step === 'clickhouse')!.status).toBe('passed');
  });

  it('test-trace --json sends through the running sandbox and proves the trace queryable', () => {
    const { code, out } = cli(['test-trace', '--json']);
    const [result, ...rest] = jsonLines(out) as { ok: boolean; traceId: string; profileId: string; profileName: string; stages: { stage: string; status: string }[] }[];
    expect(rest).toEqual([]);
    expect(result!.ok).toBe(true);
    // The profile's own id and name, as the app's history holds them, not the command's heading.
    expect({ profileId: result!.profileId, profileName: result!.profileName }).toEqual({ profileId: 'local-sandbox', profileName: 'Local sandbox' });
    expect(result!.stages.map((s) => `${s.stage}:${s.status}`)).toEqual(['sent:passed', 'accepted:passed', 'queryable:passed']);
    expect(code).toBe(0);
    expect(liveHolder(join(home, 'sandbox'))?.pid).toBe(sandbox.pid);
  });

  it('tail --json prints each new gateway span of the running sandbox as one JSON line', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', 'tail', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
    const started = new Promise<void>((resolve) => createInterface({ input: child.stderr! }).on('line', (l) => l.startsWith('tail: ') && resolve()));
    try {
      await started;
      const traceId = hexId(16);
      await postOtlp(sandbox.endpoints.otlp, jsonTraceRequest([{ traceId, service: 'tfy-llm-gateway', name: 'ChatCompletion' }]));
      const deadline = Date.now() + 15_000;
      while (!lines.some((l) => l.includes(traceId)) && Date.now() < deadline) await sleep(200);
      const spans = lines.map((l) => JSON.parse(l) as { traceId: string; name: string });
      expect(spans.filter((s) => s.traceId === traceId).map((s) => s.name)).toEqual(['ChatCompletion']);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('--json prints failures as {"error": …} with a non-zero exit', () => {
    const noProfile = cli(['doctor', '--profile', 'No such profile', '--json']);
    expect(jsonLines(noProfile.out)).toEqual([{ error: 'There is no profile called "No such profile". Profiles: Local sandbox.' }]);
    expect(noProfile.code).toBe(1);

    const badFilter = cli(['tail', '--filter', 'duration:>banana', '--json']);
    const [answer, ...rest] = jsonLines(badFilter.out) as { error: string }[];
    expect(rest).toEqual([]);
    expect(answer!.error).toMatch(/^--filter: /);
    expect(badFilter.code).not.toBe(0);

    const badFlag = cli(['test-trace', '--protocol', 'thrift', '--json']);
    expect(jsonLines(badFlag.out)).toEqual([{ error: expect.stringContaining("argument 'thrift' is invalid") }]);
    expect(badFlag.code).not.toBe(0);
  });
});

describe('the CLI beside a running web app without its sandbox', () => {
  it('says why instead of starting a sandbox that would take the app’s folder', async () => {
    const home2 = mkdtempSync(join(tmpdir(), 'cst-beside-nosb-'));
    const env2: NodeJS.ProcessEnv = { ...env, CLICKSTACK_TRAY_HOME: home2, CLICKSTACK_TRAY_SANDBOX_WAIT_MS: '1500' };
    const app = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', 'web', '--no-sandbox', '--json'], { env: env2, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve) => createInterface({ input: app.stdout! }).on('line', (l) => l.includes('"listening"') && resolve()));
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', 'doctor', '--json'], { env: env2, encoding: 'utf8', timeout: 60_000 });
      expect(jsonLines(r.stdout)).toEqual([{ error: expect.stringContaining(`clickstack-tray web (pid ${app.pid}) runs on this data folder, but its local sandbox has not been running`) }]);
      expect(r.status).toBe(1);
      expect(liveHolder(join(home2, 'sandbox'))).toBeNull();
    } finally {
      const exited = new Promise((res) => app.once('exit', res));
      app.kill('SIGTERM');
      await exited;
      rmSync(home2, { recursive: true, force: true });
    }
  }, 60_000);
});

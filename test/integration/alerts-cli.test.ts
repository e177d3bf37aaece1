/** `clickstack-tray alerts` as a real process against a real sandbox: its exit code and its JSON. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayRequest, otlpBody, seeded, type GenRequest } from '../support/gateway-traffic.js';
import { postOtlp, selectRows } from '../support/otlp-http.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox;
const SONNET = 'anthropic-main/claude-sonnet-4';

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', 'alerts', ...args], {
      env: { ...process.env, CLICKSTACK_TRAY_HOME: mkdtempSync(join(tmpdir(), 'cst-alertscli-')), CLICKHOUSE_ENDPOINT: sandbox.clickhouse },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function send(requests: GenRequest[]) {
  const r = await postOtlp(sandbox.otlp, otlpBody(requests));
  expect(r.status).toBe(200);
}

beforeAll(async () => {
  sandbox = await startTestSandbox();
}, 90_000);
afterAll(async () => {
  await sandbox?.dispose();
});

describe('alerts CLI', () => {
  it('exits 0 with every rule ok, then 1 with the failing model named in its JSON, as plain SQL counts it', async () => {
    const rnd = seeded(5);
    const now = Date.now();
    // Healthy traffic for two models over the last 4 minutes.
    await send(Array.from({ length: 60 }, (_, i) => gatewayRequest('chat', now - 240_000 + i * 4000, rnd, { model: i % 2 })));
    const ok = await run(['--json']);
    expect(ok.code, ok.stderr).toBe(0);
    const okJson = JSON.parse(ok.stdout.trim()) as { firing: unknown[]; rules: { ruleId: string; scopes: { scope: string; requests: number; firing: boolean }[] }[] };
    expect(okJson.firing).toEqual([]);
    expect(okJson.rules.map((r) => r.ruleId)).toEqual(['model-errors', 'model-latency']);
    expect(okJson.rules[0]!.scopes.map((s) => s.requests).sort()).toEqual([30, 30]);
    expect(ok.stdout.trim().split('\n')).toHaveLength(1);

    // Then a model fails 70 % of 40 calls with 429s.
    const t = Date.now();
    await send(Array.from({ length: 40 }, (_, i) => gatewayRequest(i % 10 < 7 ? 'ratelimit' : 'chat', t - 120_000 + i * 3000, rnd, { model: 2 })));
    const fired = await run(['--json']);
    expect(fired.code, fired.stderr).toBe(1);
    const json = JSON.parse(fired.stdout.trim()) as { firing: { ruleId: string; scope: string; reason: string }[]; target: string };
    expect(json.target).toContain('from the environment');
    expect(json.firing.map((f) => [f.ruleId, f.scope])).toEqual([['model-errors', SONNET]]);
    const [truth] = await selectRows<{ n: string | number; e: string | number }>(
      sandbox.clickhouse,
      `SELECT count() AS n, countIf(StatusCode = 'Error') AS e FROM default.otel_traces WHERE ParentSpanId = '' AND SpanAttributes['tfy.request.model_name'] = {m:String} AND Timestamp > now() - INTERVAL 5 MINUTE`,
      { m: SONNET },
    );
    expect(json.firing[0]!.reason).toContain(`${SONNET}: ${Math.round((Number(truth!.e) / Number(truth!.n)) * 1000) / 10} % of ${Number(truth!.n)} requests failed in the last 5 min`);

    // The prose says the same, one line per rule.
    const prose = await run([]);
    expect(prose.code).toBe(1);
    expect(prose.stdout).toMatch(/2 rules evaluated, 1 firing/);
    expect(prose.stdout).toMatch(new RegExp(`FIRING  Model error rate: ${SONNET.replace(/[/-]/g, '\\$&')}: 70 % of 40 requests failed`));
  }, 90_000);

  it('an unknown profile or option is one JSON error line and exit 2, never the 1 that means a rule fires', async () => {
    const r = await run(['--profile', 'nope', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout.trim())).toEqual({ error: expect.stringContaining('There is no profile called "nope"') });
    const option = await run(['--window', '5']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--window'");
  }, 60_000);
});

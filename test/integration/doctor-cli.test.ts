/** `clickstack-tray doctor` in a real process: each step's line, and the exit code. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';
import { jsonTraceRequest, postOtlp } from '../support/otlp-http.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ args: ['--clickhouse-password-env', 'CST_PW'], env: { CST_PW: 'doctor-pw' } });
  await postOtlp(sandbox.otlp, jsonTraceRequest([{ service: 'tfy-llm-gateway', name: 'ChatCompletion' }]));
});
afterAll(async () => {
  await sandbox?.dispose();
});

function doctor(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', 'doctor', ...args], {
    env: { ...process.env, CLICKSTACK_TRAY_HOME: mkdtempSync(join(tmpdir(), 'cst-doctor-')), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('doctor CLI', () => {
  it('checks a pipeline given by the collector’s environment variables', () => {
    const { code, out } = doctor(['--otlp-endpoint', sandbox.otlp, '--health-url', sandbox.health], {
      CLICKHOUSE_ENDPOINT: sandbox.clickhouse,
      CLICKHOUSE_USER: 'default',
      CLICKHOUSE_PASSWORD: 'doctor-pw',
    });
    expect(out).toContain('✓ 1. ClickHouse: Connected as default and found default.otel_traces.');
    expect(out).toContain('✓ 2. Collector health');
    expect(out).toContain('✓ 3. OTLP endpoint');
    // A loopback endpoint is right for this test but wrong for the TrueFoundry SaaS gateway, and the doctor says so.
    expect(out).toContain('✗ 4. TrueFoundry settings: 127.0.0.1 is a local or private address');
    expect(out).toContain('✓ 5. Gateway spans: Gateway spans are arriving');
    expect(out).toContain('4 of 5 checks passed.');
    expect(out).not.toContain('doctor-pw');
    expect(code).toBe(1);
  });

  it('says which password is wrong without printing it', () => {
    const { out } = doctor(['--otlp-endpoint', sandbox.otlp], { CLICKHOUSE_ENDPOINT: sandbox.clickhouse, CLICKHOUSE_PASSWORD: 'Not-The-Pw' });
    expect(out).toContain('✗ 1. ClickHouse: ClickHouse refused user default: wrong password or unknown user.');
    expect(out).not.toContain('Not-The-Pw');
  });

  it('names the profiles when the one asked for does not exist', () => {
    const { code, err } = doctor(['--profile', 'Production'], {});
    expect(err).toContain('There is no profile called "Production". Profiles: Local sandbox.');
    expect(code).toBe(1);
  });
});

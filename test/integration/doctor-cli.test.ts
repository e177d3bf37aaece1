/** `clickstack-tray doctor` in a real process: each step's line, and the exit code. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';
import { jsonTraceRequest, postOtlp } from '../support/otlp-http.js';
import { startDelayingProxy } from '../support/delaying-proxy.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ args: ['--clickhouse-password-env', 'CST_PW'], env: { CST_PW: 'doctor-pw' } });
  await postOtlp(sandbox.otlp, jsonTraceRequest([{ service: 'tfy-llm-gateway', name: 'ChatCompletion' }]));
});
afterAll(async () => {
  await sandbox?.dispose();
});

function doctor(args: string[], env: NodeJS.ProcessEnv, command = 'doctor') {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', command, ...args], {
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
    // A loopback endpoint is right for this test but wrong for the TrueFoundry SaaS gateway, and the doctor says so:
    // what it looked at (protocol, host, port), what is wrong with it, and the one change that clears it.
    const port = new URL(sandbox.otlp).port;
    expect(out).toContain(`✗ 4. TrueFoundry settings: Checked where TrueFoundry would send: OTLP/HTTP (JSON) to host 127.0.0.1, port ${port} (${sandbox.otlp}). 127.0.0.1 is a local or private address`);
    expect(out).toContain(`fix: Serve the collector’s OTLP/HTTP port (${port} here) at a public https domain (a reverse proxy or a tunnel), make the OTLP endpoint https://<domain>/v1/traces, and run this check again.`);
    expect(out).not.toContain('Fix the OTLP endpoint, then paste the values');
    expect(out).toContain('✓ 5. Gateway spans: Gateway spans are arriving');
    expect(out).toContain('4 of 5 checks passed.');
    expect(out).not.toContain('doctor-pw');
    expect(code).toBe(1);
  });

  it('--json puts one verdict on top of the steps, the same as the exit code', () => {
    const env = { CLICKHOUSE_ENDPOINT: sandbox.clickhouse, CLICKHOUSE_PASSWORD: 'doctor-pw' };
    const { code, out } = doctor(['--otlp-endpoint', sandbox.otlp, '--health-url', sandbox.health, '--json'], env);
    const answer = JSON.parse(out) as { target: string; ok: boolean; passed: number; failed: number; total: number; results: { step: string; status: string }[] };
    expect(answer).toMatchObject({ target: `ClickHouse ${sandbox.clickhouse} from the environment`, ok: false, passed: 4, failed: 1, total: 5 });
    // The steps keep their shape: a script that read them before still can.
    expect(answer.results.map((r) => [r.step, r.status])).toEqual([
      ['clickhouse', 'passed'],
      ['collector', 'passed'],
      ['otlp', 'passed'],
      ['truefoundry', 'failed'],
      ['spans', 'passed'],
    ]);
    expect(code).toBe(1);
    const down = doctor(['--otlp-endpoint', 'http://127.0.0.1:9/v1/traces', '--json'], { CLICKHOUSE_ENDPOINT: 'http://127.0.0.1:9' });
    expect(JSON.parse(down.out)).toMatchObject({ ok: false, passed: 0, failed: 5, total: 5 });
  });

  it('checks the OTLP step over gRPC and protobuf with --protocol, and refuses a protocol it does not know', () => {
    const env = { CLICKHOUSE_ENDPOINT: sandbox.clickhouse, CLICKHOUSE_PASSWORD: 'doctor-pw' };
    const grpc = doctor(['--protocol', 'grpc', '--otlp-grpc-endpoint', `http://${sandbox.otlpGrpc}`, '--health-url', sandbox.health], env);
    expect(grpc.out).toMatch(/✓ 3\. OTLP endpoint: The collector accepted an OTLP\/gRPC export at 127\.0\.0\.1:\d+ \(OK\)\./);
    expect(grpc.out).toContain(`✗ 4. TrueFoundry settings: Checked where TrueFoundry would send: OTLP/gRPC to host 127.0.0.1, port ${sandbox.otlpGrpc.split(':').pop()}. 127.0.0.1 is a local or private address`);
    expect(grpc.out).toMatch(/fix: Serve the collector’s gRPC port \(\d+ here\) with TLS at a public domain, make the gRPC endpoint https:\/\/<domain>:<port>/);
    const proto = doctor(['--protocol', 'http/protobuf', '--otlp-endpoint', sandbox.otlp, '--health-url', sandbox.health], env);
    expect(proto.out).toContain('✓ 3. OTLP endpoint: The collector accepted an OTLP/protobuf export at /v1/traces (200).');
    const bad = doctor(['--protocol', 'thrift', '--otlp-endpoint', sandbox.otlp], env);
    expect(bad.err).toMatch(/option '--protocol <protocol>' argument 'thrift' is invalid\. Allowed choices are http\/json, http\/protobuf, grpc/);
    expect(bad.code).not.toBe(0);
  });

  it('sends the test trace over gRPC with test-trace --protocol grpc and proves it landed', () => {
    const env = { CLICKHOUSE_ENDPOINT: sandbox.clickhouse, CLICKHOUSE_PASSWORD: 'doctor-pw' };
    const { code, out } = doctor(['--protocol', 'grpc', '--otlp-grpc-endpoint', `http://${sandbox.otlpGrpc}`], env, 'test-trace');
    expect(out).toMatch(/✓ sent .* OTLP\/gRPC Export to 127\.0\.0\.1:\d+ answered OK \(0\)\./);
    expect(out).toMatch(/^OK: /m);
    expect(code).toBe(0);
  });

  it('says which password is wrong without printing it', () => {
    const { out } = doctor(['--otlp-endpoint', sandbox.otlp], { CLICKHOUSE_ENDPOINT: sandbox.clickhouse, CLICKHOUSE_PASSWORD: 'Not-The-Pw' });
    expect(out).toContain('✗ 1. ClickHouse: ClickHouse refused user default: wrong password or unknown user.');
    expect(out).toContain('the command line reads CLICKHOUSE_PASSWORD');
    expect(out).not.toContain('Not-The-Pw');
  });

  it('says which address is not a URL and what form it takes, before reaching for any server', () => {
    const env = doctor(['--otlp-endpoint', sandbox.otlp], { CLICKHOUSE_ENDPOINT: 'localhost:8123' });
    expect(env.err).toContain('CLICKHOUSE_ENDPOINT "localhost:8123" is not ClickHouse\'s HTTP URL: use the form http://host:8123');
    expect(env.code).not.toBe(0);
    const flag = doctor(['--otlp-endpoint', 'not-a-url'], { CLICKHOUSE_ENDPOINT: sandbox.clickhouse });
    expect(flag.err).toContain('"not-a-url" is not an http(s) URL; --otlp-endpoint takes one such as http://host:4318/v1/traces');
    const trace = doctor(['--otlp-endpoint', 'htp:/oops'], { CLICKHOUSE_ENDPOINT: sandbox.clickhouse }, 'test-trace');
    expect(trace.err).toContain('"htp:/oops" is not an http(s) URL');
  });

  it('names the profiles when the one asked for does not exist', () => {
    const { code, err } = doctor(['--profile', 'Production'], {});
    expect(err).toContain('There is no profile called "Production". Profiles: Local sandbox.');
    expect(code).toBe(1);
  });
});

describe('test-trace CLI', () => {
  it('names the hop it waits on while a collector is slow, and the port and protocol it sends to', async () => {
    // A collector that takes 7 s to answer: the command says where it sends, then that it is still waiting on it.
    const slow = await startDelayingProxy(new URL(sandbox.otlp).origin);
    slow.delayMs = 7_000;
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', 'test-trace', '--otlp-endpoint', `${slow.url}/v1/traces`], {
        env: { ...process.env, CLICKSTACK_TRAY_HOME: mkdtempSync(join(tmpdir(), 'cst-doctor-')), CLICKHOUSE_ENDPOINT: sandbox.clickhouse, CLICKHOUSE_PASSWORD: 'doctor-pw' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      const port = new URL(slow.url).port;
      expect(out).toContain(`  sends     OTLP/HTTP (JSON) to ${slow.url}/v1/traces (HTTP port ${port})`);
      expect(out).toContain(`  reads     ClickHouse at ${sandbox.clickhouse}`);
      expect(out).toMatch(new RegExp(`… still waiting on the collector’s answer over OTLP/HTTP \\(JSON\\) from ${slow.url}/v1/traces \\([5-7] s so far\\)`));
      // The wait is named before the answer, then the run goes on as usual.
      expect(out.indexOf('still waiting')).toBeLessThan(out.indexOf('✓ sent'));
      expect(out).toContain('Looking for the traces table in ClickHouse at');
      expect(out).toMatch(/^OK: /m);
      expect(code).toBe(0);
    } finally {
      slow.close();
    }
  }, 30_000);

  it('names the gRPC port and where it came from when only the HTTP endpoint is given', () => {
    const { out } = doctor(['--protocol', 'grpc', '--otlp-endpoint', 'http://127.0.0.1:9/v1/traces'], { CLICKHOUSE_ENDPOINT: 'http://127.0.0.1:9' }, 'test-trace');
    expect(out).toContain('  sends     OTLP/gRPC to 127.0.0.1:4317 (gRPC port 4317, the OTLP host’s default; --otlp-grpc-endpoint names another)');
    const given = doctor(['--protocol', 'grpc', '--otlp-grpc-endpoint', `http://${sandbox.otlpGrpc}`], { CLICKHOUSE_ENDPOINT: sandbox.clickhouse, CLICKHOUSE_PASSWORD: 'doctor-pw' }, 'test-trace');
    expect(given.out).toContain(`  sends     OTLP/gRPC to ${sandbox.otlpGrpc} (gRPC port ${sandbox.otlpGrpc.split(':').pop()})`);
  });
});

/** `clickstack-tray tail` in a real process: the CLI composes the app's TraceService. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexId, jsonTraceRequest, postOtlp } from '../support/otlp-http.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox;

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.dispose();
});

describe('tail CLI', () => {
  it('prints each gateway span once, as it arrives, with the filter applied in the query', async () => {
    const s = sandbox;
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', 'tail', '--filter', 'name:ChatCompletion'], {
      env: { ...process.env, CLICKSTACK_TRAY_HOME: mkdtempSync(join(tmpdir(), 'cst-tailcli-')), CLICKHOUSE_ENDPOINT: s.clickhouse },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
    try {
      await new Promise((r) => setTimeout(r, 2500)); // started, nothing yet
      const ids = [hexId(16), hexId(16)];
      await postOtlp(s.otlp, jsonTraceRequest([{ traceId: ids[0], service: 'tfy-llm-gateway', name: 'ChatCompletion' }, { service: 'tfy-llm-gateway', name: 'Model' }]));
      await postOtlp(s.otlp, jsonTraceRequest([{ traceId: ids[1], service: 'tfy-llm-gateway', name: 'ChatCompletion', startMs: -60_000 }]));
      await postOtlp(s.otlp, jsonTraceRequest([{ service: 'other-service', name: 'ChatCompletion' }]));
      const deadline = Date.now() + 15_000;
      while (lines.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      await new Promise((r) => setTimeout(r, 2500)); // one more poll: nothing repeats
      expect(lines).toHaveLength(2);
      for (const id of ids) expect(lines.filter((l) => l.includes(`trace=${id}`))).toHaveLength(1);
      expect(lines.every((l) => l.includes('tfy-llm-gateway  ChatCompletion'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
  }, 40_000);

  it('ends quietly when its reader stops early (`tail | head -1`)', async () => {
    const s = sandbox;
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', 'tail'], {
      env: { ...process.env, CLICKSTACK_TRAY_HOME: mkdtempSync(join(tmpdir(), 'cst-tailcli-')), CLICKHOUSE_ENDPOINT: s.clickhouse },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const first = new Promise<void>((r) => child.stdout!.once('data', () => r()));
      await new Promise((r) => setTimeout(r, 2500));
      await postOtlp(s.otlp, jsonTraceRequest([{ service: 'tfy-llm-gateway', name: 'ChatCompletion' }]));
      await first;
      // The reader goes away, as `head` does after its line; the next spans meet a closed pipe.
      child.stdout!.destroy();
      for (let i = 0; i < 3; i++) await postOtlp(s.otlp, jsonTraceRequest([{ service: 'tfy-llm-gateway', name: 'ChatCompletion' }]));
      const code = await Promise.race([exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 15_000))]);
      expect(code, stderr).toBe(0);
      expect(stderr).not.toContain('EPIPE');
    } finally {
      child.kill('SIGTERM');
    }
  }, 40_000);
});

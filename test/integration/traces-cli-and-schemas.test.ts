/** `clickstack-tray tail` in a real process, and the explorer on every schema variant and StatusCode spelling. */
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTrace, searchSpans } from '../../electron/core/traces/trace-queries.js';
import { SpanTail } from '../../electron/core/traces/span-tail.js';
import { hexId, jsonTraceRequest, postOtlp } from '../support/otlp-http.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const variants = ['clickstack', 'compat', 'exporter'] as const;
const sandboxes: Record<string, TestSandbox> = {};

beforeAll(async () => {
  await Promise.all(variants.map(async (v) => (sandboxes[v] = await startTestSandbox({ args: ['--schema', v] }))));
});
afterAll(async () => {
  await Promise.all(Object.values(sandboxes).map((s) => s.dispose()));
});

describe('tail CLI', () => {
  it('prints each gateway span once, as it arrives, with the filter applied in the query', async () => {
    const s = sandboxes.clickstack!;
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
});

describe.each(variants)('explorer on the %s schema', (variant) => {
  it('searches, tails and opens traces, with both StatusCode spellings', async () => {
    const s = sandboxes[variant]!;
    const target = { url: s.clickhouse, user: 'default', password: '', database: 'default' };
    const traceId = hexId(16);
    await postOtlp(s.otlp, jsonTraceRequest([{ traceId, service: 'tfy-llm-gateway', name: 'ChatCompletion' }]));
    // An older exporter wrote STATUS_CODE_ERROR; a row written that way must still count as an error.
    const client = createClient({ url: s.clickhouse, log: { level: ClickHouseLogLevel.OFF } });
    const oldTrace = hexId(16);
    await client.insert({
      table: 'otel_traces',
      values: [{ Timestamp: new Date().toISOString().replace('T', ' ').replace('Z', ''), TraceId: oldTrace, SpanId: hexId(8), ServiceName: 'tfy-llm-gateway', SpanName: 'Legacy', SpanKind: 'SPAN_KIND_SERVER', StatusCode: 'STATUS_CODE_ERROR', Duration: 5_000_000 }],
      format: 'JSONEachRow',
    });
    await client.close();
    const now = Date.now();
    const errors = await searchSpans(target, { query: 'status:error kind:server', fromMs: now - 3600_000, toMs: now + 60_000, service: 'tfy-llm-gateway' });
    expect(errors.spans.map((x) => [x.name, x.status])).toEqual([['Legacy', 'error']]);
    const trace = await getTrace(target, traceId);
    expect(trace.map((x) => x.name)).toEqual(['ChatCompletion']);
    expect(trace[0]!.events).toEqual([]);
    const tail = new SpanTail(target);
    expect((await tail.start()).spans.map((x) => x.traceId)).toEqual(expect.arrayContaining([traceId, oldTrace]));
    await tail.close();
  });
});

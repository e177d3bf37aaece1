/**
 * Concurrent senders against the sandbox's receiver (in this process, to read its counters):
 * they share inserts, every span lands once, and each 200 still means "queryable now".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox/sandbox.js';
import { hexId, jsonTraceRequest } from '../support/otlp-http.js';

let sandbox: RunningSandbox;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cst-group-'));
  sandbox = await startSandbox({ dataDir });
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const count = async (where = '1') => Number((await sandbox.engine.query({ sql: `SELECT count() FROM otel_traces WHERE ${where}`, format: 'TabSeparated' })).data.toString());

describe('receiver group commit', () => {
  it('shares inserts between concurrent requests, stores every span once, and answers 200 only once queryable', async () => {
    const senders = 24;
    const results = await Promise.all(
      Array.from({ length: senders }, async () => {
        const traceId = hexId(16);
        const body = jsonTraceRequest(Array.from({ length: 50 }, () => ({ traceId, service: 'tfy-llm-gateway' })));
        const res = await fetch(sandbox.endpoints.otlp, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        // Checked the moment this sender has its answer, while others may still be waiting.
        return { status: res.status, visible: await count(`TraceId = '${traceId}'`) };
      }),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.every((r) => r.visible === 50)).toBe(true);
    expect(await count()).toBe(senders * 50);
    expect(sandbox.ingest.commits.payloads).toBe(senders);
    expect(sandbox.ingest.commits.inserts).toBeLessThan(senders);
    console.log(`group commit: ${senders} concurrent requests in ${sandbox.ingest.commits.inserts} inserts`);
  });
});

/**
 * A request whose spans fall on two days (every request that straddles midnight UTC) is stored
 * whole or not at all, even when the sandbox is killed between the two days' commits: it goes
 * through the insert journal, which the next start replays, and the deduplication token lets a
 * replay — or the sender's retry of the same request — write only the missing day.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_DAMAGED_DIR, JOURNAL_DIR } from '../../electron/sandbox/insert-journal.js';
import { decodeJsonTraceRequest } from '../../electron/sandbox/otlp/json-decoder.js';
import { rowsToJsonEachRow, traceRequestToRows } from '../../electron/sandbox/otlp/span-rows.js';
import { checkCollectorHealth } from '../../electron/core/setup/collector-check.js';
import { hexId, postOtlp, selectRows } from '../support/otlp-http.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.dispose();
});

const DAY = 24 * 3600_000;

/** `perDay` spans today and `perDay` yesterday, under one service name so they can be counted. */
function twoDayRequest(service: string, perDay: number): string {
  const now = Date.now();
  const traceId = hexId(16);
  const spans = [0, DAY].flatMap((back) => Array.from({ length: perDay }, (_, i) => ({ traceId, spanId: hexId(8), name: 'ChatCompletion', kind: 2, startTimeUnixNano: String(BigInt(now - back - i) * 1_000_000n), endTimeUnixNano: String(BigInt(now - back - i + 5) * 1_000_000n) })));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ spans }] }] });
}

/** What the receiver would journal for this request: its rows, and the token they hash to. */
function journalEntry(body: string): { file: string; payload: Buffer } {
  const payload = rowsToJsonEachRow(traceRequestToRows(decodeJsonTraceRequest(Buffer.from(body))).rows);
  return { file: `${createHash('sha256').update(payload).digest('hex')}.jsonl`, payload };
}

async function count(service: string): Promise<number> {
  const [row] = await selectRows<{ c: string | number }>(sandbox.clickhouse, 'SELECT count() AS c FROM otel_traces WHERE ServiceName = {s:String}', { s: service });
  return Number(row!.c);
}

async function restart(): Promise<void> {
  sandbox = await startTestSandbox({ dataDir: sandbox.dataDir });
}

describe('a request spanning two days', () => {
  it('killed after its journal entry and before any commit: the next start stores it whole', async () => {
    const body = twoDayRequest('journal-only', 1000);
    await sandbox.stop();
    const entry = journalEntry(body);
    writeFileSync(join(sandbox.dataDir, JOURNAL_DIR, entry.file), entry.payload);
    await restart();
    expect(await count('journal-only')).toBe(2000);
  }, 60_000);

  it('killed after its commits and before the journal entry was removed: the replay writes nothing twice, nor does a retry', async () => {
    const body = twoDayRequest('committed', 1000);
    expect((await postOtlp(sandbox.otlp, body)).status).toBe(200);
    expect(await count('committed')).toBe(2000);
    await sandbox.stop();
    const entry = journalEntry(body);
    writeFileSync(join(sandbox.dataDir, JOURNAL_DIR, entry.file), entry.payload);
    await restart();
    expect(await count('committed')).toBe(2000);
    // The sender never got its answer and retries the same request.
    expect((await postOtlp(sandbox.otlp, body)).status).toBe(200);
    expect(await count('committed')).toBe(2000);
  }, 60_000);

  it('killed while writing its journal entry: the next start ignores the torn write, sets aside a damaged entry, and starts', async () => {
    const torn = journalEntry(twoDayRequest('torn', 500));
    const damaged = journalEntry(twoDayRequest('damaged', 500));
    await sandbox.stop();
    const dir = join(sandbox.dataDir, JOURNAL_DIR);
    writeFileSync(join(dir, `${torn.file}.4242.tmp`), torn.payload.subarray(0, torn.payload.length >> 1));
    writeFileSync(join(dir, damaged.file), damaged.payload.subarray(0, damaged.payload.length - 100));
    await restart();
    expect(await count('torn')).toBe(0);
    expect(await count('damaged')).toBe(0);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(join(dir, JOURNAL_DAMAGED_DIR, damaged.file))).toBe(true);
    // The set-aside request is named in health, so Setup says what was not replayed and where it is.
    const health = await checkCollectorHealth(sandbox.health);
    expect(health.status).toBe('failed');
    expect(health.summary).toMatch(/1 journalled request left by a killed run could not be replayed .*insert-journal\/damaged/);
  }, 60_000);

  it('killed (-9) at random moments under the insert: never half stored, whole after the sender retries', async () => {
    for (let round = 0; round < 6; round++) {
      const service = `killed-${round}`;
      const body = twoDayRequest(service, 2500);
      const pid = sandbox.supervisor.status.state === 'running' ? (sandbox.supervisor as unknown as { child: { pid: number } | null }).child?.pid : undefined;
      const sent = postOtlp(sandbox.otlp, body).catch(() => null);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 120)));
      if (pid) process.kill(pid, 'SIGKILL');
      const answer = await sent;
      await sandbox.stop();
      await restart();
      const stored = await count(service);
      expect([0, 5000], `round ${round}: ${stored} of 5000 spans stored (answer ${answer?.status ?? 'none'})`).toContain(stored);
      if (answer?.status === 200) expect(stored).toBe(5000);
      // As a sender does when it got no answer: the same request again.
      expect((await postOtlp(sandbox.otlp, body)).status).toBe(200);
      expect(await count(service)).toBe(5000);
    }
  }, 180_000);
});

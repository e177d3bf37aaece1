/**
 * A long query a person started can be followed and stopped: the sandbox (a separate process, real
 * HTTP) is kept busy by a heavy statement, so the app's summary waits its turn there; progress
 * events arrive after the first second, Cancel ends the call at once, and the sandbox never runs
 * the cancelled statement (its process list and record of outcomes say so). KILL QUERY by id
 * drops a waiting statement and says it cannot interrupt the running one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TraceService } from '../../electron/core/traces/trace-service.js';
import { CancelledError } from '../../electron/core/clickhouse/running-queries.js';
import { closeAllClients } from '../../electron/core/clickhouse/clickhouse-clients.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
}, 60_000);
afterAll(async () => {
  await closeAllClients();
  await sandbox?.dispose();
});

const Queries = z.object({
  processes: z.array(z.object({ queryId: z.string(), state: z.enum(['queued', 'running']), elapsedMs: z.number() })),
  recent: z.array(z.object({ queryId: z.string(), outcome: z.enum(['finished', 'failed', 'cancelled']) })),
});
async function processList() {
  return Queries.parse(await (await fetch(new URL('/queries', sandbox.health))).json());
}

/**
 * Keeps the sandbox's one engine thread busy for four seconds with a statement of its own: sleeping
 * row by row, so the time does not shrink on a fast or idle machine (a CPU-bound statement took 1.6 s
 * on an idle one, and the summary then ran before it could be cancelled).
 */
function occupy(queryId: string): Promise<Response> {
  const sql = 'SELECT sum(sleepEachRow(0.5)) FROM numbers(8) SETTINGS max_block_size = 1';
  return fetch(`${sandbox.clickhouse}/?query_id=${queryId}`, { method: 'POST', body: sql });
}

async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('following and stopping a long query', () => {
  it('shows progress while the summary waits, and Cancel means the sandbox never runs it', async () => {
    const target = { kind: 'sandbox' as const, clickhouseUrl: sandbox.clickhouse, clickhouseUser: 'default', password: '', database: 'default', otlpEndpoint: sandbox.otlp, otlpToken: null, healthUrl: sandbox.health, serviceName: 'tfy-llm-gateway' };
    const traces = new TraceService(async () => target, () => undefined);
    const progress: { elapsedMs: number }[] = [];
    traces.onProgress((p) => progress.push(p));
    const busy = occupy('test-occupier');
    await until(processList, (l) => l.processes.some((p) => p.queryId === 'test-occupier' && p.state === 'running'));
    const queryId = '6f1d2c3b-0000-4000-8000-00000000c0de';
    const now = Date.now();
    const summary = traces.summary('p', { fromMs: now - 3600_000, toMs: now, queryId });
    const outcome = summary.then(
      () => 'finished',
      (e: unknown) => (e instanceof CancelledError ? 'cancelled' : `failed: ${String(e)}`),
    );
    // It waits behind the busy statement, in the sandbox's process list.
    const waiting = await until(processList, (l) => l.processes.some((p) => p.queryId.startsWith(`${queryId}:`) && p.state === 'queued'));
    expect(waiting.processes.find((p) => p.queryId.startsWith(`${queryId}:`))?.state).toBe('queued');
    await until(async () => progress.length, (n) => n > 0, 5_000);
    expect(progress.length, 'a progress event after the first second').toBeGreaterThan(0);
    expect(progress[0]!.elapsedMs).toBeGreaterThanOrEqual(900);

    const t0 = Date.now();
    const cancelled = await traces.cancel(queryId);
    expect(cancelled.cancelled).toBe(true);
    // The server's KILL QUERY answer was read (a reply the client cannot read is reported as a refusal).
    expect(cancelled.detail).toBe('Cancelled; ClickHouse was told to stop it.');
    expect(await outcome).toBe('cancelled');
    expect(Date.now() - t0, 'the call ends at once, not when the server gets to it').toBeLessThan(2_000);
    const after = await until(processList, (l) => !l.processes.some((p) => p.queryId.startsWith(`${queryId}:`)));
    expect(after.processes.map((p) => p.queryId)).not.toContain(expect.stringMatching(`^${queryId}:`));
    // Every statement of the call (the table's description runs first, in parallel) was dropped, none ran.
    const ours = after.recent.filter((r) => r.queryId.startsWith(`${queryId}:`));
    expect(ours.length).toBeGreaterThan(0);
    expect(new Set(ours.map((r) => r.outcome))).toEqual(new Set(['cancelled']));

    await busy;
    // The busy statement ran to its end; the cancelled one never ran after it.
    const later = await processList();
    expect(new Set(later.recent.filter((r) => r.queryId.startsWith(`${queryId}:`)).map((r) => r.outcome))).toEqual(new Set(['cancelled']));
    expect(later.recent.find((r) => r.queryId === 'test-occupier')?.outcome).toBe('finished');
    expect((await traces.cancel(queryId)).cancelled, 'cancelling twice says it had already ended').toBe(false);
  }, 60_000);

  it('KILL QUERY drops a waiting statement and says the running one cannot be interrupted', async () => {
    const busy = occupy('kill-running');
    await until(processList, (l) => l.processes.some((p) => p.queryId === 'kill-running' && p.state === 'running'));
    const waiting = fetch(`${sandbox.clickhouse}/?query_id=kill-waiting`, { method: 'POST', body: 'SELECT 1' });
    await until(processList, (l) => l.processes.some((p) => p.queryId === 'kill-waiting'));
    const kill = async (id: string) => (await fetch(`${sandbox.clickhouse}/?param_id=${id}&default_format=JSONEachRow`, { method: 'POST', body: 'KILL QUERY WHERE query_id = {id:String} ASYNC' })).text();
    expect(JSON.parse(await kill('kill-waiting'))).toMatchObject({ kill_status: 'finished', query_id: 'kill-waiting' });
    const answer = await waiting;
    expect(answer.status).toBe(500);
    expect(await answer.text()).toContain('QUERY_WAS_CANCELLED');
    expect(JSON.parse(await kill('kill-running'))).toMatchObject({ kill_status: 'cant_cancel', query_id: 'kill-running' });
    expect(await kill('no-such-query')).toBe('');
    // The compact JSON the app's own client asks for: columns named once, rows as arrays.
    const compact = await (await fetch(`${sandbox.clickhouse}/?param_id=kill-none`, { method: 'POST', body: 'KILL QUERY WHERE query_id = {id:String} ASYNC FORMAT JSONCompact' })).json();
    expect(compact).toMatchObject({ meta: [{ name: 'kill_status' }, { name: 'query_id' }, { name: 'user' }, { name: 'query' }], data: [], rows: 0 });
    expect((await busy).status).toBe(200);
  }, 60_000);
});

/**
 * The tail on tables that are not a plain MergeTree. A View and a Merge table in front of
 * otel_traces have no parts of their own: the tail runs in time-window mode, says so, and still
 * shows every span once — up to its horizon, a span that started 14 minutes ago and lands now
 * included, one from 20 minutes ago not. The covered-blocks mode (Replicated/Shared tables,
 * simulated in covered-blocks.test.ts) runs here against real parts: out-of-order inserts and a
 * merge, every span once. A user without system.parts gets time-window mode too; the embedded
 * engine has no access control to create such a user, so that case is checked through the rule.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTracesTable } from '../../electron/core/clickhouse/traces-table.js';
import { SpanTail } from '../../electron/core/traces/span-tail.js';
import { chooseTailStrategy, type TailStrategyName } from '../../electron/core/traces/tail/tail-strategy.js';
import { hexId, jsonTraceRequest, postOtlp } from '../support/otlp-http.js';
import { sandboxLocation, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox;
const MIN = 60_000;

async function sql(query: string): Promise<void> {
  const client = createClient({ url: sandbox.clickhouse, log: { level: ClickHouseLogLevel.OFF } });
  try {
    await client.command({ query });
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  sandbox = await startTestSandbox();
  await sql('CREATE DATABASE viewdb');
  await sql('CREATE VIEW viewdb.otel_traces AS SELECT * FROM default.otel_traces');
  await sql('CREATE DATABASE mergedb');
  await sql("CREATE TABLE mergedb.otel_traces AS default.otel_traces ENGINE = Merge('default', '^otel_traces$')");
}, 60_000);
afterAll(async () => {
  await sandbox?.dispose();
});

async function send(service: string, startMs: number[]): Promise<string[]> {
  const ids = startMs.map(() => hexId(8));
  const res = await postOtlp(sandbox.otlp, jsonTraceRequest(ids.map((spanId, i) => ({ spanId, service, name: 'ChatCompletion', startMs: startMs[i]!, durationMs: 10 }))));
  expect(res.status).toBe(200);
  return ids;
}

async function tailOn(database: string, service: string, expected: TailStrategyName) {
  const table = await describeTracesTable(sandboxLocation(sandbox, database));
  const strategy = chooseTailStrategy(table.engine, true, 15);
  expect(strategy.name).toBe(expected);
  return { tail: new SpanTail(table, { where: `ServiceName = '${service}'`, strategy: strategy.name }), strategy };
}

describe.each([
  ['viewdb', 'View'],
  ['mergedb', 'Merge'],
])('a %s table (%s engine)', (database, engine) => {
  it('is tailed in time-window mode, every span once up to the horizon', async () => {
    const service = `win-${database}-${hexId(8)}`;
    const before = await send(service, [-2_000]);
    const { tail, strategy } = await tailOn(database, service, 'time-window');
    expect(strategy.detail).toContain(`a ${engine} table has no parts of its own`);
    const initial = (await tail.start()).spans.map((s) => s.spanId);
    expect(initial).toEqual(before);
    const shown: string[] = [];
    const now = await send(service, [-1_000, -500]);
    shown.push(...(await tail.poll()).spans.map((s) => s.spanId));
    const late = await send(service, [-14 * MIN]); // a streaming call that started 14 minutes ago, exported now
    const tooLate = await send(service, [-20 * MIN]); // beyond the horizon
    shown.push(...(await tail.poll()).spans.map((s) => s.spanId));
    shown.push(...(await tail.poll()).spans.map((s) => s.spanId));
    expect([...shown].sort()).toEqual([...now, ...late].sort());
    expect(shown).not.toContain(tooLate[0]);
    expect(shown).not.toContain(before[0]);
  });
});

describe('covered-blocks mode on real parts', () => {
  it('shows every span once across inserts and a merge of read and unread parts', async () => {
    const service = `cov-${hexId(8)}`;
    const before = await send(service, [-3_000]);
    const table = await describeTracesTable(sandboxLocation(sandbox));
    const tail = new SpanTail(table, { where: `ServiceName = '${service}'`, strategy: 'covered-blocks' });
    await tail.start();
    const shown: string[] = [];
    const a = await send(service, [-1_000]);
    shown.push(...(await tail.poll()).spans.map((s) => s.spanId));
    const b = await send(service, [-900, -800]);
    await sql('OPTIMIZE TABLE default.otel_traces FINAL');
    const c = await send(service, [-5 * MIN]);
    shown.push(...(await tail.poll()).spans.map((s) => s.spanId));
    expect((await tail.poll()).spans).toEqual([]);
    expect([...shown].sort()).toEqual([...a, ...b, ...c].sort());
    expect(shown).not.toContain(before[0]);
  });
});

/**
 * A proxy in front of the sandbox that, once armed, merges the table's parts (OPTIMIZE … FINAL)
 * just before it forwards the tail's next read of listed parts (`_part IN`): the parts the tail
 * listed are gone by the time it reads them, as a background merge can make them go.
 */
async function mergingProxy(upstream: string) {
  const target = new URL(upstream);
  const state = { armed: false, merged: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = () => {
        const out = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        out.on('error', () => res.destroy());
        out.end(body);
      };
      if (state.armed && body.toString('utf8').includes('_part IN')) {
        state.armed = false;
        void sql('OPTIMIZE TABLE default.otel_traces FINAL').then(() => {
          state.merged++;
          forward();
        });
      } else forward();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state, close: () => server.close() };
}

describe('covered-blocks mode when listed parts merge before they are read', () => {
  it('reads the merged part later instead of counting the vanished ones as read', async () => {
    const proxy = await mergingProxy(sandbox.clickhouse);
    try {
      const service = `merge-race-${hexId(8)}`;
      await send(service, [-3_000]);
      const table = await describeTracesTable(sandboxLocation({ clickhouse: proxy.url }));
      const tail = new SpanTail(table, { where: `ServiceName = '${service}'`, strategy: 'covered-blocks' });
      await tail.start();
      // Two inserts (two parts) the next poll lists; the proxy merges them before that poll reads them.
      const first = await send(service, [-900]);
      const second = await send(service, [-800]);
      proxy.state.armed = true;
      const shown = (await tail.poll()).spans.map((s) => s.spanId);
      expect(proxy.state.merged, 'the parts were merged between the listing and the read').toBe(1);
      shown.push(...(await tail.poll()).spans.map((s) => s.spanId));
      shown.push(...(await tail.poll()).spans.map((s) => s.spanId));
      expect([...shown].sort()).toEqual([...first, ...second].sort());
    } finally {
      proxy.close();
    }
  });
});

describe('strategy choice', () => {
  it('follows the engine, and falls back to the time window without system.parts', () => {
    expect(chooseTailStrategy('MergeTree', true, 15).name).toBe('block-cursor');
    expect(chooseTailStrategy('ReplicatedMergeTree', true, 15).name).toBe('covered-blocks');
    expect(chooseTailStrategy('SharedMergeTree', true, 15).name).toBe('covered-blocks');
    expect(chooseTailStrategy('Distributed', true, 15).name).toBe('time-window');
    const noParts = chooseTailStrategy('ReplicatedMergeTree', false, 15);
    expect(noParts).toEqual({ name: 'time-window', detail: expect.stringContaining('this user cannot read system.parts') });
    console.log('a user without system.parts is not created: the embedded engine has no access control (checked through the rule above)');
  });
});

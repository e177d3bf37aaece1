/** Every feature of @clickhouse/client the app relies on, against the sandbox's ClickHouse HTTP endpoint. */
import { ClickHouseError, ClickHouseLogLevel, createClient as createRawClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

// Errors are asserted here; the client need not also log them.
const createClient = (config: Parameters<typeof createRawClient>[0]) => createRawClient({ ...config, log: { level: ClickHouseLogLevel.OFF } });

let sandbox: TestSandbox;
let client: ClickHouseClient;

beforeAll(async () => {
  sandbox = await startTestSandbox({ args: ['--clickhouse-password-env', 'CST_TEST_CH_PASSWORD'], env: { CST_TEST_CH_PASSWORD: 's3cret' } });
  client = createClient({ url: sandbox.clickhouse, username: 'default', password: 's3cret' });
});

afterAll(async () => {
  await client?.close();
  await sandbox?.dispose();
});

async function expectClickHouseError(promise: Promise<unknown>, code: string, type: string): Promise<ClickHouseError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClickHouseError);
  const chError = error as ClickHouseError;
  expect(chError.code).toBe(code);
  expect(chError.type).toBe(type);
  return chError;
}

describe('ClickHouse HTTP endpoint', () => {
  it('answers ping', async () => {
    const result = await client.ping();
    expect(result.success).toBe(true);
    const raw = await fetch(`${sandbox.clickhouse}/ping`);
    expect(await raw.text()).toBe('Ok.\n');
  });

  it('runs queries in JSON formats with the engine version and UTC', async () => {
    const rs = await client.query({ query: 'SELECT version() AS v, timezone() AS tz', format: 'JSONEachRow' });
    const [row] = (await rs.json()) as { v: string; tz: string }[];
    expect(row!.v).toMatch(/^2[6-9]\.\d+/);
    expect(row!.tz).toMatch(/UTC/);
    // 64-bit integers arrive exact in the text, quoted when the setting asks for it.
    const big = await client.query({ query: 'SELECT toUInt64(18446744073709551615) AS big', format: 'JSONEachRow' });
    expect(await big.text()).toBe('{"big":18446744073709551615}\n');
    const quoted = await client.query({ query: 'SELECT toUInt64(18446744073709551615) AS big', format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 1 } });
    expect(await quoted.json()).toEqual([{ big: '18446744073709551615' }]);
  });

  it('binds query parameters of many types, escapes included', async () => {
    const rs = await client.query({
      query: 'SELECT {s:String} AS s, {n:UInt64} AS n, {a:Array(String)} AS a, {d:DateTime64(9)} AS d, {f:Float64} AS f, {maybe:Nullable(String)} AS maybe',
      query_params: { s: "it's a \\ back\tslash\nline", n: 42, a: ['x', 'y z'], d: '2026-01-02 03:04:05.123456789', f: 1.5, maybe: null },
      format: 'JSONEachRow',
    });
    const [row] = (await rs.json()) as Record<string, unknown>[];
    expect(row).toEqual({ s: "it's a \\ back\tslash\nline", n: 42, a: ['x', 'y z'], d: '2026-01-02 03:04:05.123456789', f: 1.5, maybe: null });
  });

  it('treats hostile parameter values as data, never as SQL', async () => {
    const hostile = "'; DROP TABLE otel_traces; --";
    const rs = await client.query({ query: 'SELECT {v:String} AS v', query_params: { v: hostile }, format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ v: hostile }]);
    const tables = await client.query({ query: "SELECT count() AS c FROM system.tables WHERE name = 'otel_traces'", format: 'JSONEachRow' });
    expect(Number(((await tables.json()) as { c: unknown }[])[0]!.c)).toBe(1);
  });

  it('reports a parameter the query names but the request does not set', async () => {
    await expectClickHouseError(client.query({ query: 'SELECT {missing:String}', format: 'JSONEachRow' }), '456', 'UNKNOWN_QUERY_PARAMETER');
  });

  it('uses the database parameter and leaves no state behind', async () => {
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS otel' });
    const inOtel = createClient({ url: sandbox.clickhouse, password: 's3cret', database: 'otel' });
    const rs = await inOtel.query({ query: 'SELECT currentDatabase() AS db', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ db: 'otel' }]);
    await inOtel.close();
    const again = await client.query({ query: 'SELECT currentDatabase() AS db', format: 'JSONEachRow' });
    expect(await again.json()).toEqual([{ db: 'default' }]);
  });

  it('refuses an unknown database with ClickHouse’s own error', async () => {
    const other = createClient({ url: sandbox.clickhouse, password: 's3cret', database: 'nope_db' });
    await expectClickHouseError(other.query({ query: 'SELECT 1' }), '81', 'UNKNOWN_DATABASE');
    await other.close();
  });

  it('honours default_format and a FORMAT clause, with TabSeparated as the default', async () => {
    const tsv = await fetch(`${sandbox.clickhouse}/?query=${encodeURIComponent('SELECT 1, 2')}`, { headers: { 'x-clickhouse-key': 's3cret' } });
    expect(await tsv.text()).toBe('1\t2\n');
    const viaDefault = await fetch(`${sandbox.clickhouse}/?default_format=CSV&query=${encodeURIComponent("SELECT 'a', 2")}`, { headers: { 'x-clickhouse-key': 's3cret' } });
    expect(await viaDefault.text()).toBe('"a",2\n');
    expect(viaDefault.headers.get('x-clickhouse-format')).toBe('CSV');
    const inline = await fetch(`${sandbox.clickhouse}/?default_format=CSV`, { method: 'POST', body: 'SELECT 7 AS x FORMAT JSONEachRow', headers: { 'x-clickhouse-key': 's3cret' } });
    expect(await inline.text()).toBe('{"x":7}\n');
    expect(inline.headers.get('content-type')).toContain('application/json');
  });

  it('echoes query_id and sends X-ClickHouse-Summary with read_rows and read_bytes', async () => {
    await client.command({ query: 'CREATE TABLE IF NOT EXISTS numbers_t (n UInt64) ENGINE = MergeTree ORDER BY n' });
    await client.insert({ table: 'numbers_t', values: Array.from({ length: 1000 }, (_, n) => ({ n })), format: 'JSONEachRow' });
    const rs = await client.query({ query: 'SELECT sum(n) AS s FROM numbers_t', format: 'JSONEachRow', query_id: 'cst-test-query-1' });
    expect(rs.query_id).toBe('cst-test-query-1');
    expect(await rs.json()).toEqual([{ s: 499500 }]);
    const raw = await fetch(`${sandbox.clickhouse}/?query_id=abc&default_format=JSON`, { method: 'POST', body: 'SELECT sum(n) FROM numbers_t', headers: { 'x-clickhouse-key': 's3cret' } });
    expect(raw.headers.get('x-clickhouse-query-id')).toBe('abc');
    const summary = JSON.parse(raw.headers.get('x-clickhouse-summary') ?? '{}') as Record<string, string>;
    expect(Number(summary.read_rows)).toBe(1000);
    expect(Number(summary.read_bytes)).toBeGreaterThan(0);
  });

  it('inserts with JSONEachRow and reads the rows back', async () => {
    await client.command({ query: 'CREATE TABLE IF NOT EXISTS kv (k String, v UInt32) ENGINE = MergeTree ORDER BY k' });
    await client.insert({ table: 'kv', values: [{ k: 'a', v: 1 }, { k: "b'\"\\", v: 2 }], format: 'JSONEachRow' });
    const rs = await client.query({ query: 'SELECT k, v FROM kv ORDER BY k', format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([
      { k: 'a', v: 1 },
      { k: "b'\"\\", v: 2 },
    ]);
  });

  it('applies settings per request and forgets them afterwards', async () => {
    const rs = await client.query({ query: "SELECT getSetting('max_threads') AS m", format: 'JSONEachRow', clickhouse_settings: { max_threads: 3 } });
    expect(Number(((await rs.json()) as { m: unknown }[])[0]!.m)).toBe(3);
    const after = await client.query({ query: "SELECT getSetting('max_threads') AS m", format: 'JSONEachRow' });
    expect(Number(((await after.json()) as { m: unknown }[])[0]!.m)).not.toBe(3);
    await expectClickHouseError(
      client.query({ query: 'SELECT 1', clickhouse_settings: { no_such_setting_here: 1 } as Record<string, number> }),
      '115',
      'UNKNOWN_SETTING',
    );
  });

  it('speaks gzip in both directions', async () => {
    const gz = createClient({ url: sandbox.clickhouse, password: 's3cret', compression: { request: true, response: true } });
    await gz.insert({ table: 'kv', values: [{ k: 'gz', v: 9 }], format: 'JSONEachRow' });
    const rs = await gz.query({ query: "SELECT v FROM kv WHERE k = {k:String}", query_params: { k: 'gz' }, format: 'JSONEachRow' });
    expect(await rs.json()).toEqual([{ v: 9 }]);
    await gz.close();
    const raw = await fetch(`${sandbox.clickhouse}/?enable_http_compression=1`, { method: 'POST', body: 'SELECT 1', headers: { 'x-clickhouse-key': 's3cret', 'accept-encoding': 'gzip' } });
    expect(raw.headers.get('content-encoding')).toBe('gzip');
  });

  it('authenticates by Basic auth and by X-ClickHouse-User/Key, and refuses a wrong password with 516', async () => {
    const basic = await fetch(`${sandbox.clickhouse}/?query=SELECT%201`, { headers: { authorization: `Basic ${Buffer.from('default:s3cret').toString('base64')}` } });
    expect(basic.status).toBe(200);
    const headers = await fetch(`${sandbox.clickhouse}/?query=SELECT%201`, { headers: { 'x-clickhouse-user': 'default', 'x-clickhouse-key': 's3cret' } });
    expect(headers.status).toBe(200);
    const wrong = createClient({ url: sandbox.clickhouse, password: 'nope' });
    const error = await expectClickHouseError(wrong.query({ query: 'SELECT 1' }), '516', 'AUTHENTICATION_FAILED');
    expect(error.message).toContain('Authentication failed');
    expect(error.message).not.toContain('s3cret');
    await wrong.close();
    const unknownUser = await fetch(`${sandbox.clickhouse}/?query=SELECT%201`, { headers: { 'x-clickhouse-user': 'alice', 'x-clickhouse-key': 's3cret' } });
    expect(unknownUser.status).toBe(401);
  });

  it('returns errors in ClickHouse’s text form so the client raises ClickHouseError', async () => {
    await expectClickHouseError(client.query({ query: 'SELEC 1' }), '62', 'SYNTAX_ERROR');
    await expectClickHouseError(client.query({ query: 'SELECT * FROM no_such_table' }), '60', 'UNKNOWN_TABLE');
    const raw = await fetch(`${sandbox.clickhouse}/?query=SELEC%201`, { headers: { 'x-clickhouse-key': 's3cret' } });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('x-clickhouse-exception-code')).toBe('62');
    expect(await raw.text()).toMatch(/^Code: 62\. DB::Exception: .*\(SYNTAX_ERROR\) \(version [\d.]+\)\n$/s);
  });

  it('refuses what it does not support with a clear error', async () => {
    const session = createClient({ url: sandbox.clickhouse, password: 's3cret', session_id: 'abc' });
    const error = await expectClickHouseError(session.query({ query: 'SELECT 1' }), '48', 'NOT_IMPLEMENTED');
    expect(error.message).toContain('session_id');
    await session.close();
    const getInsert = await fetch(`${sandbox.clickhouse}/?query=${encodeURIComponent('INSERT INTO kv VALUES (1, 1)')}`, { headers: { 'x-clickhouse-key': 's3cret' } });
    expect(getInsert.status).toBe(403);
    expect(await getInsert.text()).toContain('READONLY');
  });

  it('stays correct under concurrent requests', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const rs = await client.query({ query: 'SELECT {i:UInt32} * 2 AS x, currentDatabase() AS db', query_params: { i }, format: 'JSONEachRow', clickhouse_settings: i % 2 ? { max_threads: 1 } : {} });
        return ((await rs.json()) as { x: number; db: string }[])[0];
      }),
    );
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => ({ x: i * 2, db: 'default' })));
  });
});

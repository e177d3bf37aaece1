/**
 * A web page the user visits can send requests to 127.0.0.1. The sandbox (passwordless by
 * default, as here) must refuse them, refuse requests addressed to another name (DNS
 * rebinding), and refuse SQL that reaches outside its own tables, while real clients work.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonTraceRequest } from '../support/otlp-http.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.dispose();
});

/** node:http, so the test controls every header (fetch would add or forbid some). */
function send(url: string, method: string, headers: Record<string, string>, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sql = (query: string) => send(sandbox.clickhouse, 'POST', {}, query);

describe('the sandbox against web pages', () => {
  it('refuses a cross-site form post, a fetch from a page and a rebound host name, and runs nothing', async () => {
    const form = await send(sandbox.clickhouse, 'POST', { origin: 'https://evil.example', 'content-type': 'text/plain' }, 'CREATE TABLE pwned (x UInt8) ENGINE = Memory');
    expect(form.status).toBe(403);
    expect(form.text).toContain('requests from web pages are refused');
    const page = await send(`${sandbox.clickhouse}/?query=SELECT%201`, 'GET', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' });
    expect(page.status).toBe(403);
    const port = new URL(sandbox.clickhouse).port;
    const rebound = await send(`${sandbox.clickhouse}/?query=SELECT%201`, 'GET', { host: `evil.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.text).toContain('127.0.0.1 or localhost');
    // A local proxy or tunnel names its own port on a loopback name: that is not rebinding.
    expect((await send(`${sandbox.clickhouse}/?query=SELECT%201`, 'GET', { host: 'localhost:1' })).status).toBe(200);
    expect((await sql('EXISTS TABLE pwned')).text.trim()).toBe('0');

    const otlp = await send(sandbox.otlp, 'POST', { origin: 'https://evil.example', 'content-type': 'application/json' }, jsonTraceRequest([{ service: 'evil' }]));
    expect(otlp.status).toBe(403);
    expect((await sql("SELECT count() FROM otel_traces WHERE ServiceName = 'evil'")).text.trim()).toBe('0');
  });

  it('refuses SQL that reads or writes outside its own tables, and nothing else', async () => {
    for (const query of [
      "SELECT * FROM file('/etc/hostname', 'LineAsString')",
      "INSERT INTO FUNCTION url('http://127.0.0.1:9/x', 'CSV', 'x UInt8') SELECT 1",
      "SELECT 1 INTO OUTFILE '/tmp/cst-outfile'",
      "SELECT * FROM executable('id', 'TSV', 'x String')",
      'SELECT * FROM remote(\'127.0.0.1\', system.one)',
      "INSERT INTO otel_traces (SpanName) FORMAT Values (file('/etc/hostname'))",
      "SELECT * FROM `file`('/etc/hostname', 'LineAsString')",
      "SELECT * FROM \"file\"/* hidden */('/etc/hostname', 'LineAsString')",
      "SELECT * FROM file -- a comment\n('/etc/hostname', 'LineAsString')",
      "INSERT INTO otel_traces (SpanName) /* FORMAT CSV */ SELECT * FROM file('/etc/hostname', 'LineAsString')",
    ]) {
      const answer = await sql(query);
      expect(answer.status, query).toBe(403);
      expect(answer.text, query).toMatch(/ACCESS_DENIED/);
    }
    // Text that merely mentions them is fine, as is inserting data that contains it.
    expect((await sql("SELECT 'open file(x) or url(y)'")).text).toBe('open file(x) or url(y)\n');
    const insert = await sql(`INSERT INTO otel_traces (Timestamp, TraceId, SpanId, SpanName) FORMAT JSONEachRow\n{"Timestamp":"2026-11-24 10:00:00","TraceId":"${'a'.repeat(32)}","SpanId":"${'b'.repeat(16)}","SpanName":"calls url(x)"}`);
    expect(insert.status, insert.text).toBe(200);
  });
});

/**
 * A hostile corpus of search inputs against a real engine: each gives correct results or a
 * clear error, and no query text ever contains the user's input.
 */
import { ClickHouseError, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSearch, whereOf } from '../../electron/core/search/prepare-search.js';
import { SearchSyntaxError } from '../../electron/core/search/search-error.js';
import { SqlParams } from '../../electron/core/search/sql-params.js';
import type { TracesTable } from '../../electron/core/clickhouse/traces-table.js';
import { hexId, postOtlp } from '../support/otlp-http.js';
import { sandboxTable, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox;
let table: TracesTable;
const now = BigInt(Date.now()) * 1_000_000n;
const SPANS = [
  { name: 'ChatCompletion', ms: 1200, attrs: { 'tfy.request.model_name': 'openai-main/gpt-4o', 'weird key; DROP': "it's \\ \"quoted\"" }, status: 0 },
  { name: 'Model', ms: 40, attrs: { 'tfy.model.name': 'gpt-4o-mini', 'tfy.model.metric.input_tokens': '900' }, status: 2 },
  { name: 'Network Call', ms: 3000, attrs: { 'gen_ai.request.model': 'claude-3', 'tfy.input': 'ünïcødé ✓', note: 'a\\b' }, status: 0 },
];

beforeAll(async () => {
  sandbox = await startTestSandbox();
  const body = JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hostile-svc' } }] },
        scopeSpans: [
          {
            spans: SPANS.map((s) => ({
              traceId: hexId(16),
              spanId: hexId(8),
              name: s.name,
              kind: 2,
              startTimeUnixNano: String(now),
              endTimeUnixNano: String(now + BigInt(s.ms) * 1_000_000n),
              attributes: Object.entries(s.attrs).map(([key, v]) => ({ key, value: { stringValue: v } })),
              status: { code: s.status },
            })),
          },
        ],
      },
    ],
  });
  expect((await postOtlp(sandbox.otlp, body)).status).toBe(200);
  table = await sandboxTable(sandbox);
});
afterAll(async () => {
  await sandbox?.dispose();
});

async function search(q: string): Promise<{ names: string[] } | { error: string }> {
  let sql: string;
  const params = new SqlParams();
  try {
    sql = whereOf(await prepareSearch(q, table, { fromMs: 0, toMs: Date.now() + 60_000 }), params) ?? '1';
  } catch (error) {
    if (error instanceof SearchSyntaxError) return { error: error.message };
    throw error;
  }
  const query = `SELECT SpanName FROM otel_traces WHERE ServiceName = 'hostile-svc' AND (${sql}) ORDER BY SpanName`;
  // No user text in the SQL: every value travelled as a parameter.
  for (const piece of q.split(/[\s:()"[\]]+/).filter((p) => p.length > 2 && !['AND', 'OR', 'NOT', 'TO'].includes(p) && !/^[<>=]/.test(p))) {
    expect(query.includes(piece) && !['service', 'name', 'status', 'duration', 'model', 'kind', 'error'].includes(piece.toLowerCase()), `"${piece}" appears in the SQL`).toBe(false);
  }
  const client = createClient({ url: sandbox.clickhouse, log: { level: ClickHouseLogLevel.OFF } });
  try {
    const rs = await client.query({ query, query_params: params.values, format: 'JSONEachRow' });
    return { names: ((await rs.json()) as { SpanName: string }[]).map((r) => r.SpanName) };
  } catch (error) {
    if (error instanceof ClickHouseError) return { error: `engine: ${error.message}` };
    throw error;
  } finally {
    await client.close();
  }
}

describe('search', () => {
  it.each([
    ['model:gpt-4o-mini', ['Model']],
    ['model:claude-3 OR model:"openai-main/gpt-4o"', ['ChatCompletion', 'Network Call']],
    ['duration:>1s', ['ChatCompletion', 'Network Call']],
    ['duration:[1s TO 2s]', ['ChatCompletion']],
    ['status:error', ['Model']],
    ['NOT status:error AND name:Net*', ['Network Call']],
    ['-name:Model (name:ChatCompletion OR name:"Network Call")', ['ChatCompletion', 'Network Call']],
    ['tfy.model.metric.input_tokens:>=900', ['Model']],
    ['"weird key; DROP":"it\'s \\\\ \\"quoted\\""', ['ChatCompletion']],
    ['ünïcødé', ['Network Call']],
    ['chatcompletion', ['ChatCompletion']],
    ["'; DROP TABLE otel_traces; --", []],
    ['name:"x\' OR 1=1 --"', []],
    ['note:"a\\\\b" OR name:"FORMAT JSON"', ['Network Call']],
    ['name:Model SETTINGS max_threads=1', []],
    ['/* comment */', []],
    ['x'.repeat(1500), []],
  ])('%s', async (q, expected) => {
    expect(await search(q)).toEqual({ names: expected });
  });

  it.each([
    ['(status:error', /never closed/],
    ['status:error)', /closes nothing/],
    ['name:"unterminated', /quote is never closed/],
    ['status:maybe', /status is one of ok, error, unset/],
    ['duration:>fast', /not a duration/],
    ['nosuchfield:x', /"nosuchfield" is not a column, a short field or an attribute key/],
    ['SpanAtributes.note:x', /Did you mean/],
    ['SpanAttributes.nope:"x"', /No span in this time range has the attribute "nope"/],
    ['name:', /needs a value/],
    ['duration:[1s TO ]', /range looks like/],
    ['x'.repeat(2001), /longer than 2000/],
    ['('.repeat(50) + 'a' + ')'.repeat(50), /nest deeper/],
  ])('%s gives a clear error', async (q, message) => {
    const result = await search(q);
    expect(result).toHaveProperty('error');
    expect((result as { error: string }).error).toMatch(message);
  });

  it('a key named in its map is offered only that map\'s keys, and a short one no names two edits away', async () => {
    const result = await search('SpanAttributes.nope:1');
    expect(result).toHaveProperty('error');
    const offered = /Did you mean (.*)\?/.exec((result as { error: string }).error)?.[1]?.split(' or ') ?? [];
    // "note" is one edit away and an attribute here; the short field "name" (two edits) and the bare "note" are not what was asked.
    expect(offered).toEqual(['SpanAttributes.note:']);
  });

  it.each([
    ['mdoel:gpt-4o', 'model:'],
    ['tarce:abc', 'trace:'],
  ])('the short typo %s (two letters swapped) is offered %s', async (q, meant) => {
    const result = await search(q);
    expect(result).toHaveProperty('error');
    expect((result as { error: string }).error).toMatch(new RegExp(`Did you mean [^?]*\\b${meant}`));
  });

  it('a key no span has, like no other name, points at the field and says where the keys are, not at names it does not resemble', async () => {
    const q = 'status:ok SpanAttributes.nope.key:x';
    let caught: unknown = null;
    await prepareSearch(q, table, { fromMs: 0, toMs: Date.now() + 60_000 }).catch((e: unknown) => (caught = e));
    expect(caught).toBeInstanceOf(SearchSyntaxError);
    const e = caught as SearchSyntaxError;
    expect(e.message).not.toMatch(/Did you mean/);
    expect(e.message).toMatch(/Type SpanAttributes\. in the search box/);
    expect(e.position, 'the field starts at character 11').toBe(q.indexOf('SpanAttributes'));
  });
});

/**
 * The traces table's description is kept in the app's folder, so the first search after a start
 * does not wait for it: read back when the server is not even up yet, checked again in the
 * background (a changed table replaces it), and a damaged file is read as nothing kept.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rememberTablesIn } from '../../electron/core/clickhouse/remembered-tables.js';
import { describeTracesTable, forgetTracesTables, RECHECK_REMEMBERED_MS } from '../../electron/core/clickhouse/traces-table.js';
import { setLogSink } from '../../electron/core/log.js';
import { sandboxLocation, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startTestSandbox();
  dir = mkdtempSync(join(tmpdir(), 'cst-tables-'));
}, 60_000);
afterAll(async () => {
  rememberTablesIn(null);
  await sandbox?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** A new start of the app on the same folder: nothing in memory, the file read again. */
function restart(file: string) {
  forgetTracesTables();
  rememberTablesIn(file);
}

describe('the traces table described in an earlier run', () => {
  it('is replaced by what the server says when it is checked again in the background', async () => {
    const file = join(dir, 'stale.json');
    restart(file);
    await describeTracesTable(sandboxLocation(sandbox));
    // As if the table had been the bloom-filter one when it was kept: no items column, no text index.
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { tables: Record<string, { columns: { name: string }[]; indexes: { type: string }[] }> };
    for (const t of Object.values(kept.tables)) {
      t.columns = t.columns.filter((c) => !c.name.endsWith('AttributeItems'));
      t.indexes = t.indexes.filter((i) => !i.type.startsWith('text'));
    }
    writeFileSync(file, JSON.stringify(kept));
    restart(file);
    expect((await describeTracesTable(sandboxLocation(sandbox))).layout.kind, 'the kept description is used at once').toBe('clickstack-bloom');
    await new Promise((r) => setTimeout(r, RECHECK_REMEMBERED_MS + 1_500));
    expect((await describeTracesTable(sandboxLocation(sandbox))).layout.kind, 'then the server is asked again').toBe('clickstack-text');
    restart(file);
    expect((await describeTracesTable(sandboxLocation(sandbox))).layout.kind, 'and the file holds the new description').toBe('clickstack-text');
  });

  it('reads a damaged file as nothing kept, says so, and writes it anew', async () => {
    const file = join(dir, 'damaged.json');
    writeFileSync(file, '{"version": 1, "tables": {"x": ');
    const lines: string[] = [];
    setLogSink((_level, line) => lines.push(line));
    try {
      restart(file);
      expect((await describeTracesTable(sandboxLocation(sandbox))).layout.kind).toBe('clickstack-text');
    } finally {
      setLogSink((_level, line) => process.stderr.write(line + '\n'));
    }
    expect(lines.join('\n')).toMatch(/not valid JSON; the tables will be described again/);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
  });
  it('is kept with schema facts only, and a later start uses it without asking the server (stops the sandbox: the last test)', async () => {
    const file = join(dir, 'kept.json');
    restart(file);
    const secret = 'pw-that-must-not-be-kept';
    const location = { ...sandboxLocation(sandbox), password: secret };
    const first = await describeTracesTable(sandboxLocation(sandbox));
    expect(first.layout.kind).toBe('clickstack-text');
    // A URL with the password written into it is kept without it.
    const inUrl = { ...sandboxLocation(sandbox), url: sandbox.clickhouse.replace('//', `//default:${secret}@`) };
    expect((await describeTracesTable(inUrl)).layout.kind).toBe('clickstack-text');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('SpanAttributeItems');
    expect(text).not.toContain(secret);

    // The next start, before the server is up: the same server, user, database and table (under
    // another password) is known at once; a table never described is asked for, and is not there.
    await sandbox.stop();
    restart(file);
    const again = await describeTracesTable(location);
    expect(again.layout).toEqual(first.layout);
    await expect(describeTracesTable({ ...location, table: 'other_traces' })).rejects.toThrow(/ClickHouse|reach|connect/i);
  });

});

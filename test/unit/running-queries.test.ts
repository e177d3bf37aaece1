/**
 * A cancel can overtake the call it stops: a newer search supersedes one the page started a
 * moment ago, and the cancel reaches the core while the call is still resolving its profile. The
 * call must then be refused when it arrives — never left to run on the server with nobody waiting
 * (a browser test found two such statements queued in the sandbox). The ClickHouse side is
 * the registry's injected runner, recorded here: this is the registry's own bookkeeping.
 */
import { describe, expect, it } from 'vitest';
import { ClickHouseFailure } from '../../electron/core/clickhouse/clickhouse-failure.js';
import { CancelledError, nextQueryOfCall, RunningQueries } from '../../electron/core/clickhouse/running-queries.js';

function registry() {
  const control: string[] = [];
  const queries = new RunningQueries(
    async (_server, sql) => {
      control.push(sql);
      return [];
    },
    () => undefined,
  );
  return { queries, control };
}

describe('cancelling a call by its queryId', () => {
  it('refuses a call whose cancel arrived before it started, and runs none of it', async () => {
    const { queries } = registry();
    expect(await queries.cancel('call-1')).toEqual({ cancelled: true, detail: 'Cancelled before it started.' });
    let ran = false;
    await expect(
      queries.run('call-1', async () => {
        ran = true;
        return 1;
      }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(ran).toBe(false);
    // The early cancel is spent: it said so, and cancelling again says the call has ended.
    expect(await queries.cancel('call-1')).toMatchObject({ cancelled: false, detail: 'That query had already finished.' });
  });

  it('says a finished call had already finished, and leaves other calls alone', async () => {
    const { queries } = registry();
    expect(await queries.run('call-2', async () => 'done')).toBe('done');
    expect(await queries.cancel('call-2')).toMatchObject({ cancelled: false });
    expect(await queries.run('call-3', async () => 'also done')).toBe('also done');
  });
});

describe('a call whose query reached its deadline', () => {
  it('tells the server to stop the call\'s queries, and still answers with the deadline', async () => {
    const { queries, control } = registry();
    const server = { url: 'http://127.0.0.1:1', user: 'viewer', password: '' };
    const timedOut = new ClickHouseFailure('timeout', 'did not answer within 30 s', 'Check it.', null);
    await expect(
      queries.run('call-4', async () => {
        nextQueryOfCall(server);
        throw timedOut;
      }),
    ).rejects.toBe(timedOut);
    await new Promise((r) => setTimeout(r, 0));
    expect(control).toEqual(['KILL QUERY WHERE startsWith(query_id, {prefix:String}) ASYNC']);
  });

  it('kills nothing when the call failed for another reason', async () => {
    const { queries, control } = registry();
    await expect(queries.run('call-5', async () => Promise.reject(new ClickHouseFailure('query', 'syntax', 'Fix it.', '62')))).rejects.toThrow('syntax');
    expect(control).toEqual([]);
  });
});

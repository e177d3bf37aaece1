/**
 * What a server's refusal of a setting teaches: a read-only user (164) refuses every hint from
 * then on; a constraint (452) only the one it names; a refused setting the answer needs is the
 * query's failure, not a hint to drop; SQL mode's readonly guard is dropped only for a user who
 * is read-only already.
 */
import type { ClickHouseSettings } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { ClickHouseFailure } from '../../electron/core/clickhouse/clickhouse-failure.js';
import { hintsFor, learnRefusedHint, mayChangeSettings } from '../../electron/core/clickhouse/setting-hints.js';

let n = 0;
const server = () => ({ url: `http://127.0.0.1:${18000 + n++}`, user: 'viewer', password: 'x' });
const failure = (code: string, message: string) => new ClickHouseFailure('query', message, 'fix', code);
const hints: ClickHouseSettings = { optimize_group_by_function_keys: 0, cancel_http_readonly_queries_on_client_close: 1, readonly: '2' };

describe('hints a user may not be sent', () => {
  it('are all left out after a read-only refusal, for that server and user only', () => {
    const s = server();
    expect(hintsFor(s, hints)).toEqual(hints);
    expect(learnRefusedHint(s, failure('164', "Cannot modify 'optimize_group_by_function_keys' setting in readonly mode."), hints)).toBe(true);
    expect(hintsFor(s, hints)).toEqual({});
    expect(mayChangeSettings(s)).toBe(false);
    expect(hintsFor({ ...s, user: 'default' }, hints)).toEqual(hints);
    expect(mayChangeSettings({ ...s, user: 'default' })).toBe(true);
  });

  it('loses only the setting a constraint names', () => {
    const s = server();
    expect(learnRefusedHint(s, failure('452', "Setting optimize_group_by_function_keys shouldn't be changed."), hints)).toBe(true);
    expect(hintsFor(s, hints)).toEqual({ cancel_http_readonly_queries_on_client_close: 1, readonly: '2' });
  });

  it('does not drop a setting the answer needs, nor the readonly guard past a constraint', () => {
    const s = server();
    expect(learnRefusedHint(s, failure('452', "Setting max_rows_to_read shouldn't be greater than 1000."), hints)).toBe(false);
    expect(learnRefusedHint(s, failure('452', 'Setting readonly should not be changed.'), hints)).toBe(false);
    expect(learnRefusedHint(s, failure('241', 'Memory limit exceeded'), hints)).toBe(false);
    expect(learnRefusedHint(s, new Error("Cannot modify 'readonly' setting"), hints)).toBe(false);
    expect(hintsFor(s, hints)).toEqual(hints);
    expect(mayChangeSettings(s)).toBe(true);
  });

  it('learns from a read-only refusal of a setting the answer needs that the user may change none', () => {
    const s = server();
    expect(learnRefusedHint(s, failure('164', "Cannot modify 'max_rows_to_read' setting in readonly mode."), hints), 'the query itself fails').toBe(false);
    expect(mayChangeSettings(s)).toBe(false);
    expect(hintsFor(s, hints)).toEqual({});
  });
});

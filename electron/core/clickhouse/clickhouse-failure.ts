/** Every way a ClickHouse call fails, as a kind a program branches on and a sentence a person reads. */
import { ClickHouseError } from '@clickhouse/client';
import { DomainError } from '../errors.js';
import { explainNetworkError, hostOf } from '../setup/network-errors.js';

export type ClickHouseFailureKind = 'unreachable' | 'timeout' | 'auth' | 'no-access' | 'no-table' | 'query';

const AUTH_CODES = new Set(['516', '192', '193', '194']);
const NO_TABLE_CODES = new Set(['60', '81']);

export class ClickHouseFailure extends DomainError {
  constructor(
    readonly failure: ClickHouseFailureKind,
    message: string,
    readonly fix: string,
    /** ClickHouse's own error code, when the server answered. */
    readonly code: string | null,
    options?: { cause?: unknown },
  ) {
    super(failure === 'auth' ? 'unauthorized' : failure === 'query' ? 'bad_input' : 'unavailable', message, options);
    this.name = 'ClickHouseFailure';
  }
}

export function toClickHouseFailure(error: unknown, url: string, timeoutMs: number, timedOut: boolean): ClickHouseFailure {
  if (error instanceof ClickHouseFailure) return error;
  if (timedOut) {
    return new ClickHouseFailure('timeout', `${hostOf(url)} did not answer within ${timeoutMs / 1000} s.`, 'Check that ClickHouse is up and not overloaded, and that no firewall drops the traffic.', null, { cause: error });
  }
  if (error instanceof ClickHouseError) {
    const code = error.code;
    if (AUTH_CODES.has(code)) return new ClickHouseFailure('auth', 'ClickHouse refused the user: wrong password or unknown user.', 'Check the ClickHouse user and password: the app keeps the password in the OS keychain (Setup), the command line reads CLICKHOUSE_PASSWORD.', code, { cause: error });
    if (code === '497') return new ClickHouseFailure('no-access', 'The ClickHouse user may not read the traces table or the system tables.', 'Grant SELECT on the traces database and on system.tables, system.columns and system.parts to this user.', code, { cause: error });
    if (NO_TABLE_CODES.has(code)) return new ClickHouseFailure('no-table', `ClickHouse has no such table or database (${error.type ?? code}).`, 'Run the ClickHouse step in Setup so the profile reads the right database.', code, { cause: error });
    const first = error.message.split('\n')[0]!.slice(0, 300);
    if ((code === '164' && /Cannot modify '[A-Za-z0-9_]+' setting/.test(first)) || code === '452') return new ClickHouseFailure('query', `The ClickHouse user may not change a setting this query needs (${error.type ?? code}): ${first}`, 'Give the user the readonly = 2 profile (reads only, and may change query settings), as HyperDX and Grafana’s ClickHouse plugin also need.', code, { cause: error });
    if (code === '164') return new ClickHouseFailure('query', `The ClickHouse user is read-only and may not run this statement (${error.type ?? code}): ${first}`, 'Use a user that may write for this step, or leave it to one.', code, { cause: error });
    if (code === '159') return new ClickHouseFailure('timeout', `ClickHouse stopped the query at its time limit (${error.type ?? code}).`, 'Narrow the time range or the search.', code, { cause: error });
    return new ClickHouseFailure('query', `ClickHouse answered with error ${code} (${error.type ?? 'unknown'}): ${first}`, 'See the server log for this query.', code, { cause: error });
  }
  const { kind, cause, fix } = explainNetworkError(error, url, 'ClickHouse server');
  return new ClickHouseFailure(kind === 'timeout' ? 'timeout' : 'unreachable', cause, fix, null, { cause: error });
}

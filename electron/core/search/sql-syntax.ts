/**
 * Where a SQL-mode filter stops parsing, in the user's own text. ClickHouse reports a syntax error's
 * position in the whole query it was sent (thousands of characters of generated SQL around the
 * filter), so the filter is parsed alone first — EXPLAIN AST reads no data and needs no column to
 * exist — with a prefix of known length, and the position is taken back into what the user typed.
 */
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import { ClickHouseFailure } from '../clickhouse/clickhouse-failure.js';
import type { TracesLocation } from '../clickhouse/server.js';
import { SearchSyntaxError } from './search-error.js';

const PREFIX = 'EXPLAIN AST SELECT 1 WHERE (';
/** ClickHouse's code for a query it cannot parse. */
const SYNTAX_ERROR = '62';

/** "failed at position 31 (Duration)": 1-based in the query sent, and the token there. */
export function syntaxErrorAt(message: string, prefixLength: number, textLength: number): { at: number; near: string | null } {
  const m = /failed at position (\d+)(?: \(([^)]*)\))?/.exec(message);
  const at = m ? Number(m[1]) - 1 - prefixLength : 0;
  return { at: Math.min(textLength, Math.max(0, at)), near: m?.[2] && m[2] !== 'end of query' ? m[2] : null };
}

/** Throws a SearchSyntaxError at the user's character when ClickHouse cannot parse the filter; other failures are left to the search itself. */
export async function checkSqlSyntax(expr: string, location: TracesLocation): Promise<void> {
  try {
    await queryRows(location, { kind: 'search', sql: `${PREFIX}${expr})`, row: z.record(z.string(), z.unknown()) });
  } catch (error) {
    if (!(error instanceof ClickHouseFailure) || error.code !== SYNTAX_ERROR) return;
    const { at, near } = syntaxErrorAt(error.message, PREFIX.length, expr.length);
    throw new SearchSyntaxError(at >= expr.length ? 'The SQL filter ends too early; something is missing at its end.' : `ClickHouse cannot parse the SQL filter here${near ? ` ("${near.slice(0, 40)}")` : ''}.`, at);
  }
}

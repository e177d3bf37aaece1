/**
 * HyperDX's SQL mode: the user types a WHERE expression. It is the one place user text becomes
 * SQL, so it is held to a single boolean expression over this table's columns — no statement
 * separator, no subquery or other clause, no table reached through IN, no function that reads
 * files, URLs, other servers or dictionaries — and it runs read-only with a time limit.
 * Hand-written because no package reads ClickHouse's expression grammar; the server still has
 * the last word (readonly, max_execution_time) where the user may set them (prepare-search.ts sqlModeHints).
 */
import { SearchSyntaxError } from './search-error.js';

export const SQL_WHERE_MAX_LENGTH = 2000;
/** Settings every SQL-mode query runs with. */
export const SQL_MODE_SETTINGS = { readonly: '2', max_execution_time: 20, max_result_rows: '100000', result_overflow_mode: 'break' } as const;

const CLAUSES = new Set(['select', 'from', 'union', 'into', 'format', 'settings', 'with', 'join', 'limit', 'order', 'group', 'having', 'insert', 'alter', 'drop', 'create', 'system', 'kill', 'optimize', 'truncate', 'rename', 'attach', 'detach', 'grant', 'revoke', 'set', 'use', 'prewhere', 'where', 'window', 'qualify', 'intersect', 'except']);
/** Functions that reach outside the row: files, URLs, other servers, dictionaries, other tables, settings. */
const OUTSIDE = /^(file|url|remote|remotesecure|s3|s3cluster|gcs|hdfs|azureblobstorage|mysql|postgresql|mongodb|redis|sqlite|jdbc|odbc|executable|executablepool|input|cluster|clusterallreplicas|dictget.*|dicthas|dictgethierarchy|dictisin|joinget.*|getsetting|getserverport|filesystem.*|currentuser|currentprofiles|currentroles|hostname|fqdn|getmacro)$/;

interface Token {
  kind: 'word' | 'string' | 'ident' | 'punct';
  text: string;
  at: number;
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') throw new SearchSyntaxError('Comments are not allowed in a SQL filter.', i);
    if (c === '/' && text[i + 1] === '*') throw new SearchSyntaxError('Comments are not allowed in a SQL filter.', i);
    if (c === ';') throw new SearchSyntaxError('A SQL filter is one expression: ";" is not allowed.', i);
    if (c === "'" || c === '`' || c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
      if (i >= text.length) throw new SearchSyntaxError('This quote is never closed.', start);
      i++;
      out.push({ kind: c === "'" ? 'string' : 'ident', text: text.slice(start, i), at: start });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_.]/.test(text[i]!)) i++;
      out.push({ kind: 'word', text: text.slice(start, i), at: start });
      continue;
    }
    out.push({ kind: 'punct', text: c, at: i });
    i++;
  }
  return out;
}

/** The expression, trimmed, when it is one a filter may be; otherwise a clear refusal. */
export function checkWhereExpression(text: string): string {
  const expr = text.trim();
  if (!expr) throw new SearchSyntaxError('The SQL filter is empty.', 0);
  if (expr.length > SQL_WHERE_MAX_LENGTH) throw new SearchSyntaxError(`The SQL filter is longer than ${SQL_WHERE_MAX_LENGTH} characters.`, SQL_WHERE_MAX_LENGTH);
  const tokens = tokenize(expr);
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    if (t.kind === 'punct' && t.text === '(') depth++;
    if (t.kind === 'punct' && t.text === ')') {
      if (--depth < 0) throw new SearchSyntaxError('This parenthesis closes nothing.', t.at);
    }
    if (t.kind !== 'word') continue;
    const word = t.text.toLowerCase();
    if (CLAUSES.has(word)) throw new SearchSyntaxError(`A SQL filter is one WHERE expression; "${t.text}" starts another clause or statement.`, t.at);
    if (next?.text === '(' && OUTSIDE.test(word)) throw new SearchSyntaxError(`${t.text}() reaches outside the spans and is not allowed in a filter.`, t.at);
    if (word === 'in' && next && !(next.kind === 'punct' && next.text === '(')) throw new SearchSyntaxError('IN takes a list in parentheses, e.g. StatusCode IN (\'Error\'), not a table.', t.at);
  }
  if (depth > 0) throw new SearchSyntaxError('A parenthesis is never closed.', expr.length);
  return expr;
}

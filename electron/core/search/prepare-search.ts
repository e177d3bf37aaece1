/**
 * A search made ready for a table: parsed (HyperDX's Lucene grammar) and its fields resolved
 * against the table and its keys, or — in SQL mode — checked as one WHERE expression. Compiled
 * on demand.
 */
import type { ClickHouseSettings } from '@clickhouse/client';
import type { TracesTable } from '../clickhouse/traces-table.js';
import { compileSearch, type CompileContext } from './compile-search.js';
import { checkKeys, resolveFields, type UncheckedKey } from './search-fields.js';
import { andTerms, bareWordsOf, parseSearch, type SearchNode } from './search-tree.js';
import { checkSqlSyntax } from './sql-syntax.js';
import { checkWhereExpression, SQL_MODE_SETTINGS } from './sql-where.js';
import type { SqlParams } from './sql-params.js';
import { SearchSyntaxError } from './search-error.js';

export const SEARCH_LANGUAGES = ['lucene', 'sql'] as const;
export type SearchLanguage = (typeof SEARCH_LANGUAGES)[number];

export interface PreparedSearch {
  tree: SearchNode | null;
  ctx: CompileContext;
  /** SQL mode: the user's WHERE expression, checked. */
  sql: string | null;
  /** Keys to check when the answer is empty (prepareSearch's `proveKeys`). */
  unchecked: UncheckedKey[];
}

/**
 * The fields whose key a non-empty answer proves: each is a top-level AND term's own, matched
 * positively against a value that is not empty (every row of the answer then has the key).
 */
function provedByMatches(tree: SearchNode): Set<string> {
  const out = new Set<string>();
  for (const t of andTerms(tree)) if ((t.kind === 'term' && t.field !== null && t.value !== '') || t.kind === 'range') out.add(t.field!);
  return out;
}

/**
 * `proveKeys`: the caller shows a list of matches, and calls keysOfEmptyAnswer when it is empty;
 * a key its answer proves is not checked first (one query fewer for the first search of a session).
 */
export async function prepareSearch(query: string, table: TracesTable, range: { fromMs: number; toMs: number }, language: SearchLanguage = 'lucene', opts: { proveKeys?: boolean } = {}): Promise<PreparedSearch> {
  const ctx: CompileContext = { layout: table.layout, fields: new Map() };
  if (language === 'sql') {
    const sql = query.trim() ? checkWhereExpression(query) : null;
    // checkWhereExpression returns the text trimmed: positions are counted in what the user typed.
    if (sql !== null) await checkSqlSyntax(sql, table.location).catch((e: unknown) => {
      if (e instanceof SearchSyntaxError) throw new SearchSyntaxError(e.message, e.position + (query.length - query.trimStart().length));
      throw e;
    });
    return { tree: null, ctx, sql, unchecked: [] };
  }
  const tree = parseSearch(query);
  const resolved = tree ? await resolveFields(tree, table.layout, table.location, range, opts.proveKeys ? provedByMatches(tree) : new Set()) : { fields: new Map(), unchecked: [] };
  return { tree, ctx: { ...ctx, fields: resolved.fields }, sql: null, unchecked: resolved.unchecked };
}

/**
 * The words of a Lucene search of bare words only, for its empty answer to say where they were
 * looked for; none when the scan stopped early (`searchedFromMs`), as the answer says so instead.
 */
export function bareWords(prepared: PreparedSearch, searchedFromMs: number | null): string[] {
  if (!prepared.tree || searchedFromMs !== null) return [];
  return [...new Set(bareWordsOf(prepared.tree) ?? [])];
}

/** An empty answer: the search error for a key it named that no span in the range has, if any. */
export async function keysOfEmptyAnswer(prepared: PreparedSearch, table: TracesTable, range: { fromMs: number; toMs: number }): Promise<void> {
  await checkKeys(prepared.unchecked, table.layout, table.location, range);
}

/** The WHERE fragment of a prepared search (or of one of its parts), or null when the search is empty. */
export function whereOf(prepared: PreparedSearch, params: SqlParams, node: SearchNode | null = prepared.tree): string | null {
  if (prepared.sql !== null) return `(${prepared.sql})`;
  return node ? compileSearch(node, params, prepared.ctx) : null;
}

/** One WHERE fragment per top-level AND term (a request matches when each matches some span of it). */
export function termWheres(prepared: PreparedSearch, params: SqlParams): string[] {
  if (prepared.sql !== null) return [`(${prepared.sql})`];
  return prepared.tree ? andTerms(prepared.tree).map((t) => compileSearch(t, params, prepared.ctx)) : [];
}

/**
 * A request's rule for one top-level AND term: some span of the request matches `sql`, or — for a
 * negated term (`-status:error`, `NOT model:x`) — none does. Read span by span, "some span is not
 * an error" would keep nearly every failed request, whose other hops succeeded.
 */
export interface RequestTerm {
  sql: string;
  none: boolean;
}

/** The request rule of each top-level AND term; SQL mode's expression is one term that some span matches. */
export function requestTerms(prepared: PreparedSearch, params: SqlParams): RequestTerm[] {
  if (prepared.sql !== null) return [{ sql: `(${prepared.sql})`, none: false }];
  if (!prepared.tree) return [];
  return andTerms(prepared.tree).map((t) => (t.kind === 'not' ? { sql: compileSearch(t.node, params, prepared.ctx), none: true } : { sql: compileSearch(t, params, prepared.ctx), none: false }));
}

/**
 * SQL mode runs read-only, with a time limit and a cap on rows: sent as hints (setting-hints.ts),
 * since a user who may not change settings is read-only already, a call's queries are killed at
 * its deadline (running-queries.ts; any user may kill its own) and every query has its LIMIT.
 */
export function sqlModeHints(prepared: PreparedSearch): ClickHouseSettings | undefined {
  return prepared.sql !== null ? (SQL_MODE_SETTINGS as unknown as ClickHouseSettings) : undefined;
}

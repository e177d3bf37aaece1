/**
 * The span search: the newest spans of a window that match, a page at a time, read newest time
 * slice first (time-slices.ts). A search that has to scan text (a bare word, a substring, SQL
 * mode) stops going back at a row budget and says how far back it looked.
 */
import { mayChangeSettings } from '../clickhouse/setting-hints.js';
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import type { TracesLocation } from '../clickhouse/server.js';
import { withTracesTable } from '../clickhouse/traces-table.js';
import { spanRowSelect } from '../semantics/span-row-select.js';
import { SearchInput, type SearchResult } from '../../shared/trace-queries-schema.js';
import { bareWords, keysOfEmptyAnswer, prepareSearch, sqlModeHints, termWheres } from '../search/prepare-search.js';
import { SqlParams } from '../search/sql-params.js';
import { boundedRead, readNewestFirst, SCAN_BUDGET, searchKeyOf, sliceWhere, type ScanBudget } from './time-slices.js';
import { fromTable } from './trace-queries.js';
import { newestFirstOrder } from './newest-parts.js';
import { partsLister } from './table-parts.js';
import type { SpanRow } from '../../shared/span-row.js';

/**
 * Whether a compiled search reads text it cannot find through an index (ILIKE, LIKE, a substring
 * position): such a search is bounded by the scan budget. The SQL is ours, built by compile-search.
 */
export function scansText(whereSql: string | null, language: 'lucene' | 'sql'): boolean {
  if (language === 'sql') return whereSql !== null;
  return whereSql !== null && /\b(ILIKE|LIKE|positionCaseInsensitiveUTF8|match)\b/.test(whereSql);
}

/**
 * Whether an AND term of a compiled search is answered through a skip index: a trace id, or an
 * exact attribute value (the items text index, or a map lookup's bloom filter on its values).
 * A negated or OR-ed term is not: its other side can match anything. The SQL is ours (compile-search).
 */
export function servedByIndex(termSql: string): boolean {
  if (/^\(*NOT\b/.test(termSql)) return false;
  // Every side of an OR must be one (a fact read from several dialects' keys is an OR of exact matches).
  return termSql.split(/\bOR\b/).every((side) => /\bhas\((Span|Resource)AttributeItems, |\bTraceId = \{|\] = \{/.test(side));
}

export async function searchSpans(location: TracesLocation, input: z.input<typeof SearchInput>, budget: ScanBudget = SCAN_BUDGET): Promise<z.infer<typeof SearchResult>> {
  const q = SearchInput.parse(input);
  return withTracesTable(location, async (t) => {
    const base = new SqlParams();
    const prepared = await prepareSearch(q.query, t, q, q.language, { proveKeys: true });
    // Compiled once, by top-level AND term: the terms tell whether an index serves the search.
    const terms = termWheres(prepared, base);
    const search = terms.length ? terms.map((t) => `(${t})`).join(' AND ') : null;
    const row = spanRowSelect(t.layout);
    const where = [...(q.service ? [`ServiceName = ${base.add('String', q.service)}`] : []), ...(search ? [search] : [])];
    const answer = await readNewestFirst(
      q,
      q.limit,
      async (slice, want, maxRows) => {
        const params = base.clone();
        const a = await queryRows(location, {
          kind: 'search',
          database: location.database,
          sql: `SELECT ${row.sql} FROM ${fromTable(t)} WHERE ${[sliceWhere(params, slice), ...where].join(' AND ')} ORDER BY Timestamp DESC LIMIT ${want}`,
          params: params.values,
          settings: boundedRead(maxRows),
          hints: sqlModeHints(prepared),
          row: z.unknown(),
        });
        return { rows: a.rows.map(row.parse), rowsRead: a.rowsRead, elapsedMs: a.elapsedMs };
      },
      {
        budget: scansText(search, q.language) ? budget : null,
        selective: terms.some(servedByIndex),
        searchKey: searchKeyOf('spans', location, [where, base.values]),
        rowBounds: mayChangeSettings(location),
        byParts: { partsOf: partsLister(location, t), order: newestFirstOrder<SpanRow>((s) => s.tsNs, (s) => `${s.traceId}/${s.spanId}`) },
        timeMsOf: (s) => Number(BigInt(s.tsNs) / 1_000_000n),
      },
    );
    const spans = answer.rows;
    // Nothing matched: say so if it is because a key named is on no span.
    if (spans.length === 0) await keysOfEmptyAnswer(prepared, t, q);
    return { spans: spans.slice(0, q.limit), truncated: spans.length > q.limit, searchedFromMs: answer.searchedFromMs, rowsRead: answer.rowsRead, elapsedMs: answer.elapsedMs, bareWords: spans.length === 0 ? bareWords(prepared, answer.searchedFromMs) : [] };
  });
}

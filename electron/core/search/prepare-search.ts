/** A search made ready for a table: parsed, its fields resolved against the table and its keys, then compiled on demand. */
import type { TracesTable } from '../clickhouse/traces-table.js';
import { compileSearch, type CompileContext } from './compile-search.js';
import { resolveFields } from './search-fields.js';
import { parseSearch, type SearchNode } from './search-tree.js';
import type { SqlParams } from './sql-params.js';

export interface PreparedSearch {
  tree: SearchNode | null;
  ctx: CompileContext;
}

export async function prepareSearch(query: string, table: TracesTable, range: { fromMs: number; toMs: number }): Promise<PreparedSearch> {
  const tree = parseSearch(query);
  const fields = tree ? await resolveFields(tree, table.layout, table.location, range) : new Map();
  return { tree, ctx: { layout: table.layout, fields } };
}

/** The WHERE fragment of a prepared search (or of one of its parts), or null when the search is empty. */
export function whereOf(prepared: PreparedSearch, params: SqlParams, node: SearchNode | null = prepared.tree): string | null {
  return node ? compileSearch(node, params, prepared.ctx) : null;
}

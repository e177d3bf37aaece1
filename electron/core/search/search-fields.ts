/**
 * What a field in a search names. HyperDX's fields first: a column of the table by its exact
 * name, or the shortest column prefix (`SpanAttributes.http.response.status_code` is the key
 * `http.response.status_code` of the SpanAttributes map; `Events.Attributes.k`, key k of each event). Then
 * our short fields (lowercase: `model:`, `status:`, `duration:` with units…), `resource.<key>`,
 * and a bare attribute key. A name that is none of these is an error that suggests the nearest.
 */
import type { TracesLocation } from '../clickhouse/server.js';
import type { AttributeMap, TableLayout } from '../clickhouse/table-layout.js';
import { FACT_SEARCH_FIELDS } from '../semantics/span-facts.js';
import { keyOccurs, knownKeys, sampledKeys, type KnownKeys } from './attribute-keys.js';
import { SearchSyntaxError } from './search-error.js';
import { fieldsOf, type SearchNode } from './search-tree.js';

/** Our short fields; each is explained in the in-app help (SEARCH_HELP). */
/** Short fields over the span's own columns (and `tokens:`, in + out); each fact's is named by the span-fact spec. */
const COLUMN_EXTENSIONS = ['service', 'name', 'status', 'kind', 'duration', 'trace', 'span', 'tokens'] as const;
export const EXTENSIONS: readonly string[] = [...COLUMN_EXTENSIONS, ...FACT_SEARCH_FIELDS.keys()];
export type Extension = string;

export type ColumnKind = 'string' | 'number' | 'datetime' | 'array';

export type FieldTarget =
  | { kind: 'extension'; name: Extension }
  | { kind: 'column'; column: string; type: ColumnKind }
  | { kind: 'map'; map: AttributeMap; key: string }
  /** A key of each map in an Array(Map) column (Events.Attributes). */
  | { kind: 'arrayMap'; column: string; key: string };

export function columnKind(type: string): ColumnKind | 'map' | 'arrayMap' {
  const t = type.replace(/^LowCardinality\((.*)\)$/, '$1').replace(/^Nullable\((.*)\)$/, '$1');
  // The exporter's JSON layout keeps attributes as JSON: searched as maps are (key → text).
  if (t.startsWith('Map(') || /^JSON\b/.test(t)) return 'map';
  if (t.startsWith('Array(Map(') || /^Array\(JSON\b/.test(t)) return 'arrayMap';
  if (t.startsWith('Array(')) return 'array';
  if (/^(U?Int\d+|Float\d+|Decimal)/.test(t)) return 'number';
  if (t.startsWith('DateTime') || t.startsWith('Date')) return 'datetime';
  return 'string';
}

/** The field as the table knows it, without asking the server; null when only a bare attribute key could be meant. */
export function resolveStatic(field: string, layout: TableLayout): FieldTarget | null {
  if (EXTENSIONS.includes(field)) return { kind: 'extension', name: field };
  const exact = layout.columns[field];
  if (exact !== undefined) {
    const kind = columnKind(exact);
    if (kind !== 'map' && kind !== 'arrayMap') return { kind: 'column', column: field, type: kind };
  }
  const parts = field.split('.');
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i).join('.');
    const type = layout.columns[prefix];
    if (type === undefined) continue;
    const kind = columnKind(type);
    const key = parts.slice(i).join('.');
    if (kind === 'map' && (prefix === 'SpanAttributes' || prefix === 'ResourceAttributes')) return { kind: 'map', map: prefix, key };
    if (kind === 'arrayMap') return { kind: 'arrayMap', column: prefix, key };
  }
  if (field.startsWith('resource.') && field.length > 'resource.'.length) return { kind: 'map', map: 'ResourceAttributes', key: field.slice('resource.'.length) };
  return null;
}

/**
 * Edits between two names, case aside, with two swapped neighbours counted as one edit (optimal string
 * alignment): "mdoel" is one slip from "model", as a person types it, not two.
 */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const d = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[x.length]![y.length]!;
}

/** The closest names a search could have meant. */
export function suggestions(field: string, layout: TableLayout, keys: KnownKeys): string[] {
  const bare = field.replace(/^(SpanAttributes|ResourceAttributes|resource)\./, '');
  // A field that names its map asks for one of that map's keys: not a column or a short field.
  const map = /^SpanAttributes\./.test(field) ? 'span' : /^(ResourceAttributes|resource)\./.test(field) ? 'resource' : null;
  const candidates =
    map === 'span' ? keys.span.map((k) => `SpanAttributes.${k}`)
    : map === 'resource' ? keys.resource.map((k) => `ResourceAttributes.${k}`)
    : [...Object.keys(layout.columns), ...EXTENSIONS, ...keys.span, ...keys.span.map((k) => `SpanAttributes.${k}`), ...keys.resource.map((k) => `ResourceAttributes.${k}`)];
  // Edits are held to a third of the name past its map's prefix (the prefix, "SpanAttributes.", does
  // not make an unrelated key look near), and to one in a short name: two edits of "nope" make "name" and "type".
  const limit = bare.length <= 5 ? 1 : Math.max(2, Math.floor(bare.length / 3));
  const near = (a: string, b: string) => {
    const d = distance(a, b);
    return d <= limit ? d : Infinity;
  };
  return [...new Set(candidates)]
    .map((c) => ({ c, d: Math.min(near(field, c), near(bare, c.replace(/^(SpanAttributes|ResourceAttributes)\./, '')) + 1) }))
    .filter((x) => Number.isFinite(x.d))
    .sort((a, b) => a.d - b.d || a.c.length - b.c.length)
    .slice(0, 3)
    .map((x) => x.c);
}

const FIELDS_ARE = ' Fields are columns (ServiceName, SpanName, StatusCode, Duration…), SpanAttributes.<key>, ResourceAttributes.<key>, or our short fields (model:, status:, duration:…).';

function unknownField(field: string, why: string, layout: TableLayout, keys: KnownKeys, position: number, otherwise = FIELDS_ARE): SearchSyntaxError {
  const near = suggestions(field, layout, keys);
  return new SearchSyntaxError(`${why}${near.length ? ` Did you mean ${near.map((n) => `${n}:`).join(' or ')}?` : otherwise}`, position);
}

function firstPosition(node: SearchNode, field: string): number {
  if (node.kind === 'term') return node.field === field ? (node.fieldAt ?? node.position) : -1;
  if (node.kind === 'range') return node.field === field ? node.position : -1;
  if (node.kind === 'not') return firstPosition(node.node, field);
  const l = firstPosition(node.left, field);
  return l >= 0 ? l : firstPosition(node.right, field);
}

/** A positive attribute key whose existence was not checked yet (the search's answer may prove it). */
export interface UncheckedKey {
  field: string;
  map: AttributeMap;
  key: string;
  /** Named as a bare key (no column, short field or map prefix). */
  bare: boolean;
  position: number;
}

function missingKey(k: UncheckedKey, layout: TableLayout, keys: KnownKeys): SearchSyntaxError {
  const why = !k.bare ? `No span in this time range has the attribute "${k.key}" in ${k.map}, so "${k.field}" would match nothing.` : `"${k.field}" is not a column, a short field or an attribute key of any span in this time range.`;
  // A key with nothing near it: the box completes the keys the range has, as the user types the map's name.
  return unknownField(k.field, why, layout, keys, k.position, k.bare ? FIELDS_ARE : ` Type ${k.map}. in the search box to choose among the keys spans in this range have.`);
}

/** Fails with the search error for the first of these keys that no span in the range has. */
export async function checkKeys(unchecked: readonly UncheckedKey[], layout: TableLayout, location: TracesLocation, range: { fromMs: number; toMs: number }): Promise<void> {
  for (const k of unchecked) {
    if (await keyOccurs(location, layout, k.map, k.key, range.fromMs, range.toMs)) continue;
    // Only a search that fails waits for the sample: its suggestions come from it.
    throw missingKey(k, layout, sampledKeys(location) ?? (await knownKeys(location, layout).catch(() => ({ span: [], resource: [] }))));
  }
}

/**
 * Resolves every field of a search. An attribute key used positively must occur in the range
 * (checked exactly, on the server); a bare name that is no column, short field or key is an error.
 * Fields in `provable` are left unchecked (returned): a caller whose answer holds a match has
 * proved the key exists, and checks only when its answer is empty.
 */
export async function resolveFields(
  tree: SearchNode,
  layout: TableLayout,
  location: TracesLocation,
  range: { fromMs: number; toMs: number },
  provable: ReadonlySet<string> = new Set(),
): Promise<{ fields: Map<string, FieldTarget>; unchecked: UncheckedKey[] }> {
  const out = new Map<string, FieldTarget>();
  const unchecked: UncheckedKey[] = [];
  for (const [field, positive] of fieldsOf(tree)) {
    const target = resolveStatic(field, layout);
    const position = Math.max(0, firstPosition(tree, field));
    if (target && target.kind !== 'map') {
      out.set(field, target);
      continue;
    }
    const map: AttributeMap = target?.kind === 'map' ? target.map : 'SpanAttributes';
    const key = target?.kind === 'map' ? target.key : field;
    out.set(field, { kind: 'map', map, key });
    const sampled = sampledKeys(location);
    const seen = sampled !== null && (map === 'SpanAttributes' ? sampled.span : sampled.resource).includes(key);
    if (seen || !(positive || !target)) continue;
    const k = { field, map, key, bare: !target, position };
    if (provable.has(field)) unchecked.push(k);
    else await checkKeys([k], layout, location, range);
  }
  return { fields: out, unchecked };
}

/**
 * A search tree as a ClickHouse WHERE fragment, with HyperDX's meaning for HyperDX's fields
 * (packages/common-utils/src/queryParser.ts) and ours for our short fields. Every user value and
 * attribute key is a query parameter. Where we differ from HyperDX on purpose:
 *   - a bare word also searches the text attributes (input, output, error message) and the status
 *     message, not only the span name: it finds what HyperDX finds, and more;
 *   - a map value compared with a number (`SpanAttributes.tokens:>9`) compares as a number, where
 *     HyperDX compares strings ('10' < '9').
 */
import type { AttributeMap, TableLayout } from '../clickhouse/table-layout.js';
import type { SpanFactName } from '../../shared/request-facts.js';
import { FACT_SEARCH_FIELDS, INPUT_MESSAGES, messageKeys, OUTPUT_MESSAGES, SPAN_FACTS } from '../semantics/span-facts.js';
import { SPAN_FACT_KINDS } from '../../shared/request-facts.js';
import { anyKeyPresentSql, attributeExistsSql, attributeSql, exactAttributeSql, factEqualsSql, spanFactSql } from '../semantics/span-columns-sql.js';
import { SearchSyntaxError } from './search-error.js';
import type { FieldTarget } from './search-fields.js';
import type { Inclusive, SearchNode } from './search-tree.js';
import { SqlParams } from './sql-params.js';

export interface CompileContext {
  layout: TableLayout;
  fields: ReadonlyMap<string, FieldTarget>;
}

type Op = '>' | '>=' | '<' | '<=';

const UNITS_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, min: 60e9, h: 3600e9 };

/** "500ms" → 500000000 (ns); a bare number means milliseconds. */
export function parseDurationNs(text: string, position = 0): number {
  const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|min|h)?$/.exec(text.trim());
  if (!m) throw new SearchSyntaxError(`"${text.slice(0, 40)}" is not a duration; use e.g. 500ms, 2s or 1.5m.`, position);
  return Math.round(Number(m[1]) * UNITS_NS[m[2] ?? 'ms']!);
}

const STATUS_SPELLINGS: Record<string, string[]> = {
  error: ['Error', 'STATUS_CODE_ERROR'],
  ok: ['Ok', 'STATUS_CODE_OK'],
  unset: ['Unset', 'STATUS_CODE_UNSET'],
};

const KIND_SPELLINGS: Record<string, string[]> = Object.fromEntries(
  ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'].map((k) => [k.toLowerCase(), [k, `SPAN_KIND_${k.toUpperCase()}`]]),
);


/** Where a bare word looks beyond the span name: the attributes that carry text, and the status message. */
const TEXT_KEYS = [...new Set([...messageKeys(INPUT_MESSAGES), ...messageKeys(OUTPUT_MESSAGES), ...SPAN_FACTS.errorMessage.keys.map((k) => k.key)])];

export const SEARCH_HELP = [
  ['word', 'a word of the span name (as HyperDX), or text in the input, output, error or status message'],
  ['"a phrase"', 'the same, as one phrase'],
  ['Column:value', 'a column contains the value (ServiceName, SpanName, StatusCode, StatusMessage, SpanKind, TraceId…)'],
  ['Column:"value"', 'a column equals the value exactly'],
  ['SpanAttributes.key:value', 'an attribute (keys may contain dots); ResourceAttributes.key too'],
  ['field:*  -field:*', 'has the field / does not have it'],
  ['field:>5  [1 TO 5]  {1 TO 5}', 'comparisons and ranges (Duration is in nanoseconds); numbers compare as numbers'],
  ['field:(a OR b)', 'the field applies inside the parentheses'],
  ['AND  OR  NOT  -  &&  ||', 'combine (a space means AND)'],
  ['model: user: conversation: provider:', 'the request model, caller, conversation id, provider — in every dialect (tfy.*, gen_ai.*, OpenInference); a part matches, "quoted" is exact, *sonnet* a pattern'],
  ['mcp: tool: type:', 'MCP server and tool, the gateway\'s span type'],
  ['status:error  kind:server', 'either spelling of the status or kind'],
  ['duration:>2s  duration:[1s TO 5s]', 'duration with units (ns, us, ms, s, m, h)'],
  ['tokens:>1000  cost:>0.01  ttft:>500ms', 'a span\'s tokens in + out, cost in USD and time to first token, in every dialect'],
  ['service: name: trace: span:', 'service name, span name (name:Chat* for a prefix), trace and span ids'],
] as const;

const likeEscape = (t: string) => t.replace(/[\\%_]/g, '\\$&');
/** ClickHouse's hasToken separators: any ASCII character that is not a letter or a digit. */
const SEPARATORS = /[ -/:-@[-`{-~\t\n\r]+/;
const tokensOf = (t: string) => t.split(SEPARATORS).filter((x) => x.length > 0);

function comparator(node: Extract<SearchNode, { kind: 'term' }>): { op: Op; rest: string } | null {
  if (node.quoted) return null;
  const m = /^(>=|<=|>|<)(.*)$/.exec(node.value);
  return m ? { op: m[1] as Op, rest: m[2]! } : null;
}

function quoteColumn(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) throw new Error(`unexpected column name ${name}`);
  return '`' + name + '`';
}

function numberOr(text: string, what: string, position: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new SearchSyntaxError(`${what} compares with a number, but "${text.slice(0, 40)}" is not one.`, position);
  return n;
}

function rangeBounds(expr: string, from: string | number | null, to: string | number | null, inclusive: Inclusive, add: (v: string | number) => string): string {
  const bounds: string[] = [];
  if (from !== null) bounds.push(`${expr} ${inclusive === 'both' || inclusive === 'left' ? '>=' : '>'} ${add(from)}`);
  if (to !== null) bounds.push(`${expr} ${inclusive === 'both' || inclusive === 'right' ? '<=' : '<'} ${add(to)}`);
  return bounds.length ? `(${bounds.join(' AND ')})` : '1';
}

/** HyperDX's string-field semantics over an expression: contains (ILIKE), exact when quoted, exists with *. */
function stringSearch(expr: string, node: Extract<SearchNode, { kind: 'term' }>, params: SqlParams, hint: string, exact: ((value: string) => string) | null): string {
  const v = node.value;
  // Inside `field:( … )` a quoted phrase is a substring, as HyperDX reads `ServiceName:("a b")`.
  if (node.quoted && node.scoped) return v === '' ? '1' : `(${expr} ILIKE ${params.add('String', `%${likeEscape(v)}%`)}${hint})`;
  if (node.quoted) return exact ? exact(v) : `(${expr} = ${params.add('String', v)}${hint})`;
  if (v === '*') return `(notEmpty(${expr})${hint})`;
  const cmp = comparator(node);
  if (cmp) {
    const n = Number(cmp.rest);
    return cmp.rest.trim() !== '' && Number.isFinite(n) && hint
      ? `(toFloat64OrNull(${expr}) ${cmp.op} ${params.add('Float64', n)}${hint})`
      : `(${expr} ${cmp.op} ${params.add('String', cmp.rest)}${hint})`;
  }
  const prefix = v.startsWith('*');
  const suffix = v.length > 1 && v.endsWith('*');
  const term = v.slice(prefix ? 1 : 0, suffix ? -1 : undefined);
  if (term === '') return '1';
  if (node.scoped && (prefix || suffix)) return `(lower(${expr}) LIKE lower(${params.add('String', `${prefix ? '%' : ''}${likeEscape(term)}${suffix ? '%' : ''}`)}))`;
  return `(${expr} ILIKE ${params.add('String', `%${likeEscape(term)}%`)}${hint})`;
}

function mapTerm(map: AttributeMap, key: string, node: Extract<SearchNode, { kind: 'term' }>, params: SqlParams, layout: TableLayout): string {
  const k = params.add('String', key);
  const expr = attributeSql(layout, map, k);
  // As HyperDX: a hint that lets the mapKeys bloom filter skip granules without the key.
  const hint = ` AND indexHint(${attributeExistsSql(layout, map, k)})`;
  // An empty value also matches spans without the key (a missing key reads as ''), as HyperDX does on the items index.
  const exact = (value: string) => `(${exactAttributeSql(layout, map, k, params.add('String', value))}${value === '' && layout.itemsColumn[map] ? ` OR NOT ${attributeExistsSql(layout, map, k)}` : ''})`;
  return stringSearch(expr, node, params, hint, exact);
}

function columnTerm(target: Extract<FieldTarget, { kind: 'column' }>, node: Extract<SearchNode, { kind: 'term' }>, params: SqlParams): string {
  const col = quoteColumn(target.column);
  switch (target.type) {
    case 'number': {
      if (!node.quoted && node.value === '*') return '1';
      const cmp = comparator(node);
      if (cmp) return `(${col} ${cmp.op} ${params.add('Float64', numberOr(cmp.rest, target.column, node.position))})`;
      return `(${col} = ${params.add('Float64', numberOr(node.value.replace(/^\*|\*$/g, ''), target.column, node.position))})`;
    }
    case 'datetime': {
      const cmp = comparator(node);
      if (cmp) return `(${col} ${cmp.op} parseDateTime64BestEffort(${params.add('String', cmp.rest)}, 9))`;
      if (node.quoted) return `(${col} = parseDateTime64BestEffort(${params.add('String', node.value)}, 9))`;
      return stringSearch(`toString(${col})`, node, params, '', null);
    }
    case 'array': {
      if (!node.quoted && node.value === '*') return `notEmpty(${col})`;
      if (node.quoted) return `has(${col}, ${params.add('String', node.value)})`;
      return `arrayExists(el -> el ILIKE ${params.add('String', `%${likeEscape(node.value.replace(/^\*|\*$/g, ''))}%`)}, ${col})`;
    }
    default:
      return stringSearch(col, node, params, '', null);
  }
}

function arrayMapTerm(target: Extract<FieldTarget, { kind: 'arrayMap' }>, node: Extract<SearchNode, { kind: 'term' }>, params: SqlParams, layout: TableLayout): string {
  const col = quoteColumn(target.column);
  const k = params.add('String', target.key);
  const el = layout.attributeStorage === 'json' ? `toString(getSubcolumn(el, ${k}))` : `el[${k}]`;
  if (!node.quoted && node.value === '*') return `arrayExists(el -> notEmpty(${el}), ${col})`;
  if (node.quoted) return `arrayExists(el -> ${el} = ${params.add('String', node.value)}, ${col})`;
  return `arrayExists(el -> ${el} ILIKE ${params.add('String', `%${likeEscape(node.value.replace(/^\*|\*$/g, ''))}%`)}, ${col})`;
}

function extensionTerm(name: string, node: Extract<SearchNode, { kind: 'term' }>, params: SqlParams, layout: TableLayout): string {
  const v = node.value;
  const cmp = comparator(node);
  const prefixWildcard = !node.quoted && v.endsWith('*') && v.length > 1;
  switch (name) {
    case 'duration':
      return cmp ? `Duration ${cmp.op} ${params.add('UInt64', parseDurationNs(cmp.rest, node.position))}` : `Duration = ${params.add('UInt64', parseDurationNs(v, node.position))}`;
    case 'tokens':
      if (!node.quoted && v === '*') return `isNotNull(${tokensExpr(layout)})`;
      return `${tokensExpr(layout)} ${cmp?.op ?? '='} ${params.add('Float64', numberOr(cmp ? cmp.rest : v, name, node.position))}`;
    case 'status': {
      const spellings = STATUS_SPELLINGS[v.toLowerCase()];
      if (!spellings || cmp) throw new SearchSyntaxError(`status is one of ok, error, unset (not "${v.slice(0, 40)}").`, node.position);
      return `StatusCode IN ${params.add('Array(String)', spellings)}`;
    }
    case 'kind': {
      const spellings = KIND_SPELLINGS[v.toLowerCase()];
      if (!spellings || cmp) throw new SearchSyntaxError(`kind is one of ${Object.keys(KIND_SPELLINGS).join(', ')}.`, node.position);
      return `SpanKind IN ${params.add('Array(String)', spellings)}`;
    }
    case 'trace':
      return `TraceId = ${params.add('String', v.toLowerCase())}`;
    case 'span':
      return `SpanId = ${params.add('String', v.toLowerCase())}`;
    case 'service':
    case 'name': {
      const col = name === 'service' ? 'ServiceName' : 'SpanName';
      return prefixWildcard ? `startsWith(${col}, ${params.add('String', v.slice(0, -1))})` : `${col} = ${params.add('String', v)}`;
    }
    default: {
      const fact = FACT_SEARCH_FIELDS.get(name);
      if (!fact) throw new Error(`short field ${name} has no rule`);
      if (SPAN_FACT_KINDS[fact] === 'text') return factTerm(fact, node, params, layout);
      if (!node.quoted && v === '*') return `isNotNull(${spanFactSql(layout, fact)})`;
      return `${spanFactSql(layout, fact)} ${cmp?.op ?? '='} ${params.add('Float64', factNumber(fact, cmp ? cmp.rest : v, node.position))}`;
    }
  }
}

/** A number a fact is compared with: milliseconds from a duration with units (ttft:>500ms), else the number as typed. */
function factNumber(fact: SpanFactName, text: string, position: number): number {
  return SPAN_FACTS[fact].search?.duration ? parseDurationNs(text, position) / 1e6 : numberOr(text, SPAN_FACTS[fact].search?.field ?? fact, position);
}

/**
 * A text short field, read as HyperDX reads a field on each of the fact's keys (mapTerm: unquoted
 * a part of the value, so `user:alice` finds alice@acme.io; `*` present; wildcards a part, or a
 * prefix inside `field:( … )`), any key matching; quoted, the value exactly, through the table's
 * indexes. A fact with a marker rule (a span with `mcp.method.name` is an MCP span) matches there too.
 */
function factTerm(fact: SpanFactName, node: Extract<SearchNode, { kind: 'term' }>, params: SqlParams, layout: TableLayout): string {
  const spec = SPAN_FACTS[fact];
  const keys = spec.keys.map((s) => s.key);
  const v = node.value;
  if (node.quoted && !node.scoped) return factEqualsSql(layout, fact, params.add('String', v), v);
  const matches = keys.map((k) => mapTerm('SpanAttributes', k, node, params, layout));
  if (spec.whenPresent && markerMatches(spec.whenPresent.value, node)) matches.push(`(${anyKeyPresentSql(layout, [spec.whenPresent.key])} AND NOT ${anyKeyPresentSql(layout, keys)})`);
  return `(${matches.join(' OR ')})`;
}

/** Whether a marker rule's constant value (MCP) satisfies the term, as mapTerm's SQL would test it. */
function markerMatches(value: string, node: Extract<SearchNode, { kind: 'term' }>): boolean {
  const v = node.value;
  if (v === '*' && !node.quoted) return true;
  if (comparator(node)) return false;
  const prefix = !node.quoted && v.startsWith('*');
  const suffix = !node.quoted && v.length > 1 && v.endsWith('*');
  const term = v.slice(prefix ? 1 : 0, suffix ? -1 : undefined).toLowerCase();
  const value_ = value.toLowerCase();
  if (node.scoped && (prefix || suffix)) return prefix && suffix ? value_.includes(term) : prefix ? value_.endsWith(term) : value_.startsWith(term);
  return value_.includes(term);
}

/** `tokens:` is a span's tokens in + out, from every dialect, by the spec's precedence. */
function tokensExpr(layout: TableLayout): string {
  const input = spanFactSql(layout, 'inputTokens');
  const output = spanFactSql(layout, 'outputTokens');
  return `if(isNull(${input}) AND isNull(${output}), NULL, ifNull(${input}, 0) + ifNull(${output}, 0))`;
}

/** A bare word: HyperDX's span-name token match, or the same text in the text attributes and status message. */
function textTerm(node: Extract<SearchNode, { kind: 'term' }>, params: SqlParams, layout: TableLayout): string {
  const v = node.value;
  const prefix = !node.quoted && v.startsWith('*');
  const suffix = !node.quoted && v.length > 1 && v.endsWith('*');
  const term = v.slice(prefix ? 1 : 0, suffix ? -1 : undefined);
  if (term === '') return '1';
  let spanName: string;
  if (prefix || suffix) {
    spanName = `lower(SpanName) LIKE lower(${params.add('String', `${prefix ? '%' : ''}${likeEscape(term)}${suffix ? '%' : ''}`)})`;
  } else {
    const tokens = tokensOf(term);
    const like = `lower(SpanName) LIKE lower(${params.add('String', `%${likeEscape(term)}%`)})`;
    spanName = SEPARATORS.test(term) || node.quoted ? [...tokens.map((t) => `hasToken(lower(SpanName), lower(${params.add('String', t)}))`), like].join(' AND ') : `hasToken(lower(SpanName), lower(${params.add('String', term)}))`;
  }
  const p = params.add('String', term);
  const text = [`positionCaseInsensitiveUTF8(StatusMessage, ${p}) > 0`, ...TEXT_KEYS.map((k) => `positionCaseInsensitiveUTF8(${attributeSql(layout, 'SpanAttributes', params.add('String', k))}, ${p}) > 0`)];
  return `((${spanName}) OR ${text.join(' OR ')})`;
}

function rangeSql(node: Extract<SearchNode, { kind: 'range' }>, params: SqlParams, ctx: CompileContext): string {
  const target = ctx.fields.get(node.field)!;
  const open = (x: string) => (x === '*' ? null : x);
  const [from, to] = [open(node.from), open(node.to)];
  if (from === null && to === null) return columnOrMapExists(target, params, ctx.layout);
  if (target.kind === 'extension') {
    if (target.name === 'duration') return rangeBounds('Duration', from === null ? null : parseDurationNs(from, node.position), to === null ? null : parseDurationNs(to, node.position), node.inclusive, (v) => params.add('UInt64', v));
    if (target.name === 'tokens') {
      return rangeBounds(tokensExpr(ctx.layout), from === null ? null : numberOr(from, target.name, node.position), to === null ? null : numberOr(to, target.name, node.position), node.inclusive, (v) => params.add('Float64', v));
    }
    const fact = FACT_SEARCH_FIELDS.get(target.name);
    if (fact && SPAN_FACT_KINDS[fact] === 'number') {
      return rangeBounds(spanFactSql(ctx.layout, fact), from === null ? null : factNumber(fact, from, node.position), to === null ? null : factNumber(fact, to, node.position), node.inclusive, (v) => params.add('Float64', v));
    }
    throw new SearchSyntaxError(`${node.field} takes no range; ranges work on duration, tokens, cost, ttft, numeric columns and attributes.`, node.position);
  }
  const numeric = (from === null || Number.isFinite(Number(from))) && (to === null || Number.isFinite(Number(to)));
  const expr = target.kind === 'column' ? quoteColumn(target.column) : target.kind === 'map' ? attributeSql(ctx.layout, target.map, params.add('String', target.key)) : null;
  if (!expr) throw new SearchSyntaxError(`${node.field} takes no range.`, node.position);
  if (numeric) {
    const e = target.kind === 'map' ? `toFloat64OrNull(${expr})` : expr;
    return rangeBounds(e, from === null ? null : Number(from), to === null ? null : Number(to), node.inclusive, (v) => params.add('Float64', v));
  }
  return rangeBounds(expr, from, to, node.inclusive, (v) => params.add('String', v));
}

function columnOrMapExists(target: FieldTarget, params: SqlParams, layout: TableLayout): string {
  if (target.kind === 'map') return mapTerm(target.map, target.key, { kind: 'term', field: null, value: '*', quoted: false, scoped: false, position: 0 }, params, layout);
  if (target.kind === 'column') return columnTerm(target, { kind: 'term', field: null, value: '*', quoted: false, scoped: false, position: 0 }, params);
  // An open range on a number short field means "has it", as `field:*` does.
  if (target.kind === 'extension') {
    if (target.name === 'tokens') return `isNotNull(${tokensExpr(layout)})`;
    const fact = FACT_SEARCH_FIELDS.get(target.name);
    if (fact) return SPAN_FACT_KINDS[fact] === 'number' ? `isNotNull(${spanFactSql(layout, fact)})` : factTerm(fact, { kind: 'term', field: null, value: '*', quoted: false, scoped: false, position: 0 }, params, layout);
  }
  return '1';
}

export function compileSearch(node: SearchNode, params: SqlParams, ctx: CompileContext): string {
  switch (node.kind) {
    case 'and':
      return `(${compileSearch(node.left, params, ctx)} AND ${compileSearch(node.right, params, ctx)})`;
    case 'or':
      return `(${compileSearch(node.left, params, ctx)} OR ${compileSearch(node.right, params, ctx)})`;
    case 'not':
      return `NOT (${compileSearch(node.node, params, ctx)})`;
    case 'range':
      return rangeSql(node, params, ctx);
    case 'term': {
      if (node.field === null) return textTerm(node, params, ctx.layout);
      const target = ctx.fields.get(node.field);
      if (!target) throw new Error(`field ${node.field} was not resolved`);
      switch (target.kind) {
        case 'extension':
          return extensionTerm(target.name, node, params, ctx.layout);
        case 'column':
          return columnTerm(target, node, params);
        case 'map':
          return mapTerm(target.map, target.key, node, params, ctx.layout);
        case 'arrayMap':
          return arrayMapTerm(target, node, params, ctx.layout);
      }
    }
  }
}

/**
 * Compiles a search AST to a ClickHouse WHERE fragment. Every user value, attribute keys
 * included, becomes a named query parameter ({p0:String}…); the SQL text holds only
 * column names, operators and parameter names this code chose.
 */
import type { AttributeMap, TableLayout } from '../clickhouse/table-layout.js';
import { CALLER_KEYS, CONVERSATION_KEYS, MCP_SERVER_KEYS, MCP_TOOL_KEYS, MODEL_KEYS, SPAN_TYPE_KEYS } from '../semantics/gateway-attributes.js';
import { anyKeyEqualsSql, attributeSql, exactAttributeSql } from '../semantics/span-columns-sql.js';
import { SearchSyntaxError, type Comparator, type SearchNode } from './search-query.js';

export class SqlParams {
  readonly values: Record<string, unknown> = {};
  private n = 0;

  /** A copy that goes on numbering after this one's parameters. */
  clone(): SqlParams {
    const copy = new SqlParams();
    Object.assign(copy.values, this.values);
    copy.n = this.n;
    return copy;
  }

  add(type: 'String' | 'UInt64' | 'Float64' | 'Array(String)', value: unknown): string {
    const name = `p${this.n++}`;
    this.values[name] = value;
    return `{${name}:${type}}`;
  }
}

const UNITS_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, min: 60e9, h: 3600e9 };

/** "500ms" → 500000000 (ns); a bare number means milliseconds. */
export function parseDurationNs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|min|h)?$/.exec(text.trim());
  if (!m) throw new SearchSyntaxError(`"${text.slice(0, 40)}" is not a duration; use e.g. 500ms, 2s or 1.5m.`, 0);
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

/** Our short fields for the gateway's facts: each reads the keys the semantics module names, first match wins. */
const SHORT_FIELDS: Record<string, readonly string[]> = {
  model: MODEL_KEYS,
  user: CALLER_KEYS,
  conversation: CONVERSATION_KEYS,
  mcp: MCP_SERVER_KEYS,
  tool: MCP_TOOL_KEYS,
  type: SPAN_TYPE_KEYS,
};

/** `field` or `resource.field` → which attribute map, and the key inside it. */
function attributeRef(field: string): { map: AttributeMap; key: string } {
  return field.startsWith('resource.') ? { map: 'ResourceAttributes', key: field.slice('resource.'.length) } : { map: 'SpanAttributes', key: field };
}

function compare(expr: string, op: Comparator, param: string): string {
  return `${expr} ${op} ${param}`;
}

function stringMatch(expr: string, value: string, quoted: boolean, params: SqlParams): string {
  if (!quoted && value.endsWith('*') && value.length > 1) return `startsWith(${expr}, ${params.add('String', value.slice(0, -1))})`;
  return `${expr} = ${params.add('String', value)}`;
}

function fieldSql(node: Extract<SearchNode, { kind: 'field' }>, params: SqlParams, layout: TableLayout): string {
  const { field, op, value, quoted } = node;
  const f = field.toLowerCase();
  if (f === 'duration') return compare('Duration', op, params.add('UInt64', parseDurationNs(value)));
  if (op !== '=' && !['duration'].includes(f)) {
    const num = Number(value);
    if (!Number.isFinite(num)) throw new SearchSyntaxError(`"${field}:${op}${value.slice(0, 40)}" compares with a number, but "${value.slice(0, 40)}" is not one.`, 0);
    const ref = attributeRef(field);
    return `toFloat64OrNull(${attributeSql(layout, ref.map, params.add('String', ref.key))}) ${op} ${params.add('Float64', num)}`;
  }
  switch (f) {
    case 'service':
      return stringMatch('ServiceName', value, quoted, params);
    case 'name':
    case 'spanname':
      return stringMatch('SpanName', value, quoted, params);
    case 'trace':
    case 'traceid':
      return `TraceId = ${params.add('String', value.toLowerCase())}`;
    case 'span':
    case 'spanid':
      return `SpanId = ${params.add('String', value.toLowerCase())}`;
    case 'status': {
      const spellings = STATUS_SPELLINGS[value.toLowerCase()];
      if (!spellings) throw new SearchSyntaxError(`status is one of ok, error, unset (not "${value.slice(0, 40)}").`, 0);
      return `StatusCode IN ${params.add('Array(String)', spellings)}`;
    }
    case 'kind': {
      const spellings = KIND_SPELLINGS[value.toLowerCase()];
      if (!spellings) throw new SearchSyntaxError(`kind is one of ${Object.keys(KIND_SPELLINGS).join(', ')}.`, 0);
      return `SpanKind IN ${params.add('Array(String)', spellings)}`;
    }
    default: {
      const keys = SHORT_FIELDS[f];
      if (keys) {
        if (!quoted && value.endsWith('*') && value.length > 1) return `(${keys.map((k) => `startsWith(${attributeSql(layout, 'SpanAttributes', params.add('String', k))}, ${params.add('String', value.slice(0, -1))})`).join(' OR ')})`;
        return anyKeyEqualsSql(layout, keys, params.add('String', value));
      }
      const ref = attributeRef(field);
      const key = params.add('String', ref.key);
      if (!(!quoted && value.endsWith('*') && value.length > 1)) return exactAttributeSql(layout, ref.map, key, params.add('String', value));
      return stringMatch(attributeSql(layout, ref.map, key), value, quoted, params);
    }
  }
}

function rangeSql(node: Extract<SearchNode, { kind: 'range' }>, params: SqlParams, layout: TableLayout): string {
  if (node.field.toLowerCase() === 'duration') {
    return `Duration BETWEEN ${params.add('UInt64', parseDurationNs(node.from))} AND ${params.add('UInt64', parseDurationNs(node.to))}`;
  }
  const from = Number(node.from);
  const to = Number(node.to);
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new SearchSyntaxError(`The range [${node.from.slice(0, 20)} TO ${node.to.slice(0, 20)}] needs numbers.`, 0);
  const ref = attributeRef(node.field);
  return `toFloat64OrNull(${attributeSql(layout, ref.map, params.add('String', ref.key))}) BETWEEN ${params.add('Float64', from)} AND ${params.add('Float64', to)}`;
}

function textSql(value: string, params: SqlParams, layout: TableLayout): string {
  const p = params.add('String', value);
  if (layout.attributeStorage === 'json') throw new SearchSyntaxError('Free text is not searchable on a JSON-attributes table yet; use field:value.', 0);
  return `(positionCaseInsensitiveUTF8(SpanName, ${p}) > 0 OR positionCaseInsensitiveUTF8(StatusMessage, ${p}) > 0 OR arrayExists(v -> positionCaseInsensitiveUTF8(v, ${p}) > 0, mapValues(SpanAttributes)))`;
}

export function compileSearch(node: SearchNode, params: SqlParams, layout: TableLayout): string {
  switch (node.kind) {
    case 'and':
      return `(${compileSearch(node.left, params, layout)} AND ${compileSearch(node.right, params, layout)})`;
    case 'or':
      return `(${compileSearch(node.left, params, layout)} OR ${compileSearch(node.right, params, layout)})`;
    case 'not':
      return `NOT (${compileSearch(node.node, params, layout)})`;
    case 'text':
      return textSql(node.value, params, layout);
    case 'field':
      return fieldSql(node, params, layout);
    case 'range':
      return rangeSql(node, params, layout);
  }
}

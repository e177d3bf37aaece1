/**
 * Parses a search the way HyperDX does — with its parser, @hyperdx/lucene (a fork of `lucene`
 * that allows `/` in terms) and its special-token encoding — into a small tree the compiler
 * reads. Checks first what a person most often gets wrong, so the error says it plainly.
 */
import lucene from '@hyperdx/lucene';
import { z } from 'zod';
import { SearchSyntaxError } from './search-error.js';

export const MAX_QUERY_LENGTH = 2000;
const MAX_DEPTH = 20;

export type Inclusive = 'both' | 'left' | 'right' | 'none';

export type SearchNode =
  | { kind: 'and' | 'or'; left: SearchNode; right: SearchNode }
  | { kind: 'not'; node: SearchNode }
  /** field null: bare text. `scoped`: inside `field:( … )`, where HyperDX reads wildcards as LIKE patterns. */
  /** `position`: where the value starts (a value's error points there); `fieldAt`: where the field starts (a field's error points there). */
  | { kind: 'term'; field: string | null; value: string; quoted: boolean; scoped: boolean; position: number; fieldAt?: number }
  | { kind: 'range'; field: string; from: string; to: string; inclusive: Inclusive; position: number };

// The parser is plain JavaScript: its AST is checked here, at the boundary, before anything reads it.
const Location = z.object({ start: z.object({ offset: z.number() }) }).nullable().optional();
const TermNode = z.object({ field: z.string(), term: z.string(), quoted: z.boolean(), prefix: z.string().nullable().optional(), termLocation: Location, fieldLocation: Location });
const RangeNode = z.object({ field: z.string(), term_min: z.string(), term_max: z.string(), inclusive: z.enum(['both', 'left', 'right', 'none']), fieldLocation: Location });
type Ast = { left?: unknown; right?: unknown; operator?: string; start?: string; parenthesized?: boolean; field?: string };
const AstShape = z.object({ left: z.unknown().optional(), right: z.unknown().optional(), operator: z.string().optional(), start: z.string().optional(), parenthesized: z.boolean().optional(), field: z.string().optional() }).passthrough();

/** HyperDX's encoding of what the grammar would otherwise split: URLs, host:port, escaped colons and backslashes. */
function encodeSpecialTokens(query: string): string {
  return query
    .replace(/\\\\/g, 'HDX_BACKSLASH_LITERAL')
    .replace(/http:\/\//g, 'http_COLON_//')
    .replace(/https:\/\//g, 'https_COLON_//')
    .replace(/localhost:(\d{1,5})/g, 'localhost_COLON_$1')
    .replace(/\\:/g, 'HDX_COLON');
}

function decodeSpecialTokens(text: string): string {
  return text
    .replace(/\\"/g, '"')
    .replace(/HDX_BACKSLASH_LITERAL/g, '\\')
    .replace(/http_COLON_\/\//g, 'http://')
    .replace(/https_COLON_\/\//g, 'https://')
    .replace(/localhost_COLON_(\d{1,5})/g, 'localhost:$1')
    .replace(/HDX_COLON/g, ':');
}

/** `"key with spaces":value` (our extension) becomes the escaped field name the grammar takes. */
function quotedFieldsToEscaped(query: string): string {
  return query.replace(/(^|[\s(])"((?:[^"\\]|\\.)*)"\s*:/g, (_m, before: string, name: string) => `${before}${name.replace(/\\(.)/g, '$1').replace(/[\s:()"[\]{}^~\\/!&|+\-*?]/g, (c) => `\\${c}`)}:`);
}

function unescapeField(field: string): string {
  return decodeSpecialTokens(field).replace(/\\(.)/g, '$1');
}

/** What people get wrong most, said plainly, before the grammar gives its own terse answer. */
function precheck(query: string): void {
  if (query.length > MAX_QUERY_LENGTH) throw new SearchSyntaxError(`The search is longer than ${MAX_QUERY_LENGTH} characters.`, MAX_QUERY_LENGTH);
  const opens: number[] = [];
  let depth = 0;
  for (let i = 0; i < query.length; i++) {
    const c = query[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '"') {
      const start = i;
      for (i++; i < query.length && query[i] !== '"'; i++) if (query[i] === '\\') i++;
      if (i >= query.length) throw new SearchSyntaxError('This quote is never closed.', start);
      continue;
    }
    if (c === '(') {
      opens.push(i);
      depth = Math.max(depth, opens.length);
      if (depth > MAX_DEPTH) throw new SearchSyntaxError(`Parentheses nest deeper than ${MAX_DEPTH} levels.`, i);
    } else if (c === ')') {
      if (opens.length === 0) throw new SearchSyntaxError('This parenthesis closes nothing.', i);
      opens.pop();
    }
  }
  if (opens.length) throw new SearchSyntaxError('This parenthesis is never closed.', opens[0]!);
  const emptyField = /(^|[\s(])([^\s():"]+):\s*($|\)|\s(AND|OR|NOT)\b)/.exec(query);
  if (emptyField) throw new SearchSyntaxError(`${emptyField[2]}: needs a value, e.g. ${emptyField[2]}:something or ${emptyField[2]}:"exact text".`, emptyField.index + emptyField[1]!.length);
}

/** The grammar's own error, as a sentence. */
function grammarError(error: unknown, query: string): SearchSyntaxError {
  const at = (error as { location?: { start?: { offset?: number } } }).location?.start?.offset ?? 0;
  const before = query.slice(0, at);
  if (before.lastIndexOf('[') > before.lastIndexOf(']') || before.lastIndexOf('{') > before.lastIndexOf('}')) {
    return new SearchSyntaxError('A range looks like field:[from TO to] (inclusive) or field:{from TO to} (exclusive); * leaves a side open.', at);
  }
  return new SearchSyntaxError(`The search cannot be read from here ("${query.slice(at, at + 20)}"): put quotes around text with spaces or symbols, and a value after each field:.`, at);
}

function position(loc: z.infer<typeof Location>): number {
  return loc?.start.offset ?? 0;
}

function negate(node: SearchNode, yes: boolean): SearchNode {
  return yes ? { kind: 'not', node } : node;
}

function toTree(raw: unknown, scope: string | null): SearchNode | null {
  const term = TermNode.safeParse(raw);
  if (term.success) {
    const t = term.data;
    const implicit = t.field === '<implicit>';
    const negatedField = !implicit && t.field.startsWith('-');
    const field = implicit ? scope : unescapeField(negatedField ? t.field.slice(1) : t.field);
    let value = decodeSpecialTokens(t.term);
    // `-bar` negates a bare term; `level:-5` searches for "-5" (as HyperDX reads them).
    const negatedTerm = implicit && t.prefix === '-';
    if (!implicit && t.prefix === '-') value = `-${value}`;
    const node: SearchNode = { kind: 'term', field, value, quoted: t.quoted, scoped: implicit && scope !== null, position: position(t.termLocation ?? t.fieldLocation), fieldAt: implicit ? position(t.termLocation) : position(t.fieldLocation ?? t.termLocation) };
    return negate(node, negatedField || negatedTerm);
  }
  const range = RangeNode.safeParse(raw);
  if (range.success) {
    const r = range.data;
    const negated = r.field.startsWith('-');
    const field = r.field === '<implicit>' ? scope : unescapeField(negated ? r.field.slice(1) : r.field);
    if (!field) throw new SearchSyntaxError('A range needs a field, e.g. duration:[1s TO 5s].', position(r.fieldLocation));
    return negate({ kind: 'range', field, from: decodeSpecialTokens(r.term_min), to: decodeSpecialTokens(r.term_max), inclusive: r.inclusive, position: position(r.fieldLocation) }, negated);
  }
  const ast = AstShape.parse(raw) as Ast;
  // `field:( … )` makes `field` the one bare terms inside it search.
  const scoped = ast.field && ast.parenthesized && ast.field !== '<implicit>';
  const innerScope = scoped ? unescapeField(ast.field!.replace(/^-/, '')) : scope;
  const negatedGroup = Boolean(scoped && ast.field!.startsWith('-'));
  if (ast.right === undefined || ast.right === null) {
    let only = ast.left === undefined ? null : toTree(ast.left, innerScope);
    if (only && ast.start === 'NOT') only = { kind: 'not', node: only };
    return only ? negate(only, negatedGroup) : null;
  }
  return negate(chainTree(ast, innerScope), negatedGroup);
}

/** An operator of a chain, and whether it negates the operand after it. */
function opOf(operator: string | undefined): { or: boolean; not: boolean } {
  const op = operator ?? '<implicit>';
  return { or: op === 'OR' || op === '||' || op === 'OR NOT', not: op === 'OR NOT' || op === 'AND NOT' || op === 'NOT' };
}

/**
 * `a AND b OR c` as HyperDX means it. Its serializer writes the terms of an unparenthesized
 * chain flat — `(a) AND (b) OR (c)` — and ClickHouse binds AND tighter than OR, so it means
 * `(a AND b) OR c`, although the parser nests the chain to the right (`a AND (b OR c)`). The
 * chain is read back flat here and grouped the same way; parentheses keep their own groups.
 */
function chainTree(ast: Ast, scope: string | null): SearchNode {
  const operands: { raw: unknown; not: boolean }[] = [{ raw: ast.left, not: ast.start === 'NOT' }];
  const ors: boolean[] = [];
  let cur: Ast = ast;
  for (;;) {
    const op = opOf(cur.operator);
    ors.push(op.or);
    const next = AstShape.safeParse(cur.right);
    const r = next.success ? (next.data as Ast) : null;
    // The chain goes on through an unparenthesized, unscoped binary node on the right.
    if (r && r.right !== undefined && r.right !== null && r.left !== undefined && !r.parenthesized && !(r.field && r.field !== '<implicit>')) {
      operands.push({ raw: r.left, not: op.not || r.start === 'NOT' });
      cur = r;
      continue;
    }
    operands.push({ raw: cur.right, not: op.not });
    break;
  }
  const nodes = operands.map((o) => {
    const n = o.raw === undefined ? null : toTree(o.raw, scope);
    return n && o.not ? ({ kind: 'not', node: n } as SearchNode) : n;
  });
  // AND groups between the ORs, each folded left to right, then the groups ORed.
  const groups: SearchNode[] = [];
  let group: SearchNode | null = nodes[0] ?? null;
  for (let i = 1; i < nodes.length; i++) {
    const n = nodes[i] ?? null;
    if (ors[i - 1]) {
      if (group) groups.push(group);
      group = n;
    } else if (n) {
      group = group ? { kind: 'and', left: group, right: n } : n;
    }
  }
  if (group) groups.push(group);
  if (!groups.length) throw new SearchSyntaxError('The search has no terms.', 0);
  return groups.reduce((a, b) => ({ kind: 'or', left: a, right: b }));
}

/** The search as a tree, or null when it is empty. */
export function parseSearch(query: string): SearchNode | null {
  if (!query.trim()) return null;
  precheck(query);
  const prepared = encodeSpecialTokens(quotedFieldsToEscaped(query));
  let ast: unknown;
  try {
    ast = lucene.parse(prepared);
  } catch (error) {
    throw grammarError(error, query);
  }
  return toTree(ast, null);
}

/**
 * The words of a search made of bare words only (joined by AND or OR), else null: only then does
 * an empty answer say that a bare word never looks in who sent a request or which model answered.
 * With a field term or an exclusion beside them, the other terms may be why nothing matched.
 */
export function bareWordsOf(node: SearchNode): string[] | null {
  if (node.kind === 'and' || node.kind === 'or') {
    const left = bareWordsOf(node.left);
    const right = bareWordsOf(node.right);
    return left && right ? [...left, ...right] : null;
  }
  return node.kind === 'term' && node.field === null && node.value !== '' ? [node.value] : null;
}

/** The top-level AND terms of a search (a single term when it is not an AND). */
export function andTerms(node: SearchNode): SearchNode[] {
  return node.kind === 'and' ? [...andTerms(node.left), ...andTerms(node.right)] : [node];
}

/** Every field a search names, with whether it is used positively (a missing key there would silently match nothing). */
export function fieldsOf(node: SearchNode, negated = false, out = new Map<string, boolean>()): Map<string, boolean> {
  switch (node.kind) {
    case 'and':
    case 'or':
      fieldsOf(node.left, negated, out);
      fieldsOf(node.right, negated, out);
      break;
    case 'not':
      fieldsOf(node.node, !negated, out);
      break;
    default:
      if (node.field !== null) out.set(node.field, (out.get(node.field) ?? false) || !negated);
  }
  return out;
}

/**
 * A Lucene-style search subset, parsed into an AST and compiled to ClickHouse SQL where every
 * user value — attribute keys included — is a query parameter. No user text reaches the SQL.
 *
 *   term            free text: matches span name, status message, or an attribute value
 *   "a phrase"      same, as one phrase
 *   field:value     service, name, status, kind, trace, span, model, duration, or any attribute key
 *   field:"a b"     quoted value; "a key":value for keys with spaces or punctuation
 *   field:>500ms    comparisons on duration (ns/us/ms/s/m) and numeric attributes
 *   field:[a TO b]  inclusive range
 *   AND OR NOT -x   boolean operators (implicit AND), parentheses
 */

import { BadInputError } from '../errors.js';
export class SearchSyntaxError extends BadInputError {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'SearchSyntaxError';
  }
}

export type Comparator = '=' | '>' | '>=' | '<' | '<=';

export type SearchNode =
  | { kind: 'and' | 'or'; left: SearchNode; right: SearchNode }
  | { kind: 'not'; node: SearchNode }
  | { kind: 'text'; value: string }
  | { kind: 'field'; field: string; op: Comparator; value: string; quoted: boolean }
  | { kind: 'range'; field: string; from: string; to: string };

type Token =
  | { t: 'word'; v: string; pos: number }
  | { t: 'phrase'; v: string; pos: number }
  | { t: 'lparen' | 'rparen' | 'colon' | 'lbracket' | 'rbracket' | 'minus'; pos: number }
  | { t: 'op'; v: Comparator; pos: number };

export const MAX_QUERY_LENGTH = 2000;
const MAX_DEPTH = 20;

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const pos = i;
    if (c === '"') {
      let v = '';
      i++;
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        v += input[i++];
      }
      if (i >= input.length) throw new SearchSyntaxError('This quote is never closed.', pos);
      i++;
      tokens.push({ t: 'phrase', v, pos });
      continue;
    }
    const single: Record<string, 'lparen' | 'rparen' | 'lbracket' | 'rbracket' | 'colon'> = { '(': 'lparen', ')': 'rparen', '[': 'lbracket', ']': 'rbracket', ':': 'colon' };
    const prev = tokens.at(-1);
    if (single[c]) {
      tokens.push({ t: single[c], pos });
      i++;
    } else if (c === '-' && (!prev || prev.t === 'lparen' || prev.t === 'op' || /\s/.test(input[i - 1] ?? ' '))) {
      tokens.push({ t: 'minus', pos });
      i++;
    }
    else if ((c === '>' || c === '<') && tokens.at(-1)?.t === 'colon') {
      const op = (input[i + 1] === '=' ? `${c}=` : c) as Comparator;
      tokens.push({ t: 'op', v: op, pos });
      i += op.length;
    } else {
      let v = '';
      while (i < input.length && !/[\s():"[\]]/.test(input[i]!)) {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        v += input[i++];
      }
      tokens.push({ t: 'word', v, pos });
    }
  }
  return tokens;
}

export function parseSearch(input: string): SearchNode | null {
  if (input.length > MAX_QUERY_LENGTH) throw new SearchSyntaxError(`The search is longer than ${MAX_QUERY_LENGTH} characters.`, MAX_QUERY_LENGTH);
  const tokens = tokenize(input);
  if (tokens.length === 0) return null;
  let i = 0;
  const peek = () => tokens[i];
  const isWord = (w: string) => {
    const t = peek();
    return t?.t === 'word' && t.v === w;
  };

  function parseOr(depth: number): SearchNode {
    let left = parseAnd(depth);
    while (isWord('OR')) {
      i++;
      left = { kind: 'or', left, right: parseAnd(depth) };
    }
    return left;
  }
  function parseAnd(depth: number): SearchNode {
    let left = parseUnary(depth);
    for (;;) {
      const t = peek();
      if (!t || t.t === 'rparen' || isWord('OR')) return left;
      if (isWord('AND')) i++;
      left = { kind: 'and', left, right: parseUnary(depth) };
    }
  }
  function parseUnary(depth: number): SearchNode {
    if (depth > MAX_DEPTH) throw new SearchSyntaxError(`Parentheses and NOT nest deeper than ${MAX_DEPTH} levels.`, peek()?.pos ?? input.length);
    const t = peek();
    if (!t) throw new SearchSyntaxError('The search ends where a term was expected.', input.length);
    if (isWord('NOT') || t.t === 'minus') {
      i++;
      return { kind: 'not', node: parseUnary(depth + 1) };
    }
    if (t.t === 'lparen') {
      i++;
      const inner = parseOr(depth + 1);
      const close = peek();
      if (close?.t !== 'rparen') throw new SearchSyntaxError('This parenthesis is never closed.', t.pos);
      i++;
      return inner;
    }
    if (t.t === 'phrase') {
      i++;
      // A quoted field name: attribute keys may hold spaces or punctuation.
      if (peek()?.t === 'colon') {
        i++;
        return parseFieldValue(t.v, t.pos);
      }
      return { kind: 'text', value: t.v };
    }
    if (t.t === 'word') {
      if (t.v === 'AND' || t.v === 'OR') throw new SearchSyntaxError(`"${t.v}" needs a term on both sides.`, t.pos);
      i++;
      if (peek()?.t !== 'colon') return { kind: 'text', value: t.v };
      i++;
      return parseFieldValue(t.v, t.pos);
    }
    throw new SearchSyntaxError(`Unexpected "${input.slice(t.pos, t.pos + 1)}".`, t.pos);
  }
  function parseFieldValue(field: string, fieldPos: number): SearchNode {
    if (field === '') throw new SearchSyntaxError('A field name is missing before ":".', fieldPos);
    const t = peek();
    if (!t) throw new SearchSyntaxError(`"${field}:" needs a value.`, input.length);
    if (t.t === 'lbracket') {
      i++;
      const from = peek();
      const to = tokens[i + 2];
      if (from?.t !== 'word' || !isWordAt(i + 1, 'TO') || to?.t !== 'word' || tokens[i + 3]?.t !== 'rbracket') throw new SearchSyntaxError('A range looks like [100ms TO 2s].', t.pos);
      i += 4;
      return { kind: 'range', field, from: from.v, to: to.v };
    }
    let op: Comparator = '=';
    if (t.t === 'op') {
      op = t.v;
      i++;
    }
    const v = peek();
    if (v?.t === 'word' || v?.t === 'phrase') {
      i++;
      return { kind: 'field', field, op, value: v.v, quoted: v.t === 'phrase' };
    }
    throw new SearchSyntaxError(`"${field}:" needs a value.`, v?.pos ?? input.length);
  }
  function isWordAt(index: number, w: string) {
    const t = tokens[index];
    return t?.t === 'word' && t.v === w;
  }

  const tree = parseOr(0);
  if (i < tokens.length) {
    const t = tokens[i]!;
    throw new SearchSyntaxError(t.t === 'rparen' ? 'This parenthesis closes nothing.' : 'Unexpected text here.', t.pos);
  }
  return tree;
}

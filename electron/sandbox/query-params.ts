/**
 * Turns HTTP `param_*` values (ClickHouse's Escaped text form) into the values chdb
 * binds. chdb escapes a string value again before binding it, so a String-typed
 * parameter is unescaped here and round-trips exactly. For other types the text is
 * passed through; where it holds a backslash that chdb's escaping would change,
 * the request is refused rather than answered with a different value.
 */
import { EngineError } from './engine.js';

const PLACEHOLDER = /\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^{}]+?)\s*\}/g;

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', 0: '\0', a: '\x07', v: '\v', '\\': '\\', "'": "'", '"': '"', '`': '`', '/': '/', '=': '=' };

/** ClickHouse's readEscapedString: backslash escapes, \xHH bytes. */
export function unescapeClickHouse(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '\\' || i === text.length - 1) {
      out += ch;
      continue;
    }
    const next = text[++i]!;
    if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out += ESCAPES[next] ?? next;
  }
  return out;
}

function isStringType(type: string): boolean {
  const t = type.replace(/\s+/g, '');
  return /^(Nullable\()?(LowCardinality\()?(String|FixedString\(\d+\))\)?\)?$/.test(t);
}

export function placeholderTypes(sql: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const m of sql.matchAll(PLACEHOLDER)) types.set(m[1]!, m[2]!);
  return types;
}

export function bindParameters(sql: string, raw: Record<string, string>): Record<string, string | null> {
  const types = placeholderTypes(sql);
  const out: Record<string, string | null> = {};
  for (const [name, text] of Object.entries(raw)) {
    const type = types.get(name);
    if (type === undefined) continue; // ClickHouse ignores parameters the query does not use
    if (text === '\\N' && /^\s*Nullable\(/.test(type)) out[name] = null;
    else if (isStringType(type)) out[name] = unescapeClickHouse(text);
    else if (text.includes('\\') || text.includes('\t') || text.includes('\n')) {
      throw new EngineError(
        457,
        'BAD_QUERY_PARAMETER',
        `Code: 457. DB::Exception: The sandbox cannot bind parameter '${name}' of type ${type} when its value contains escape sequences; real ClickHouse can. (BAD_QUERY_PARAMETER)`,
      );
    } else out[name] = text;
  }
  return out;
}

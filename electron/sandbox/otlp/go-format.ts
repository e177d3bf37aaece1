/**
 * The text forms the collector's Go code produces, so our rows match the
 * ClickHouse exporter's byte for byte.
 *
 * - pcommon.Value.AsString (go.opentelemetry.io/collector/pdata/pcommon/value.go):
 *   Str as is; Int decimal; Double strconv.FormatFloat(f, 'f', -1, 64); Bool "true"/"false";
 *   Bytes base64.StdEncoding; Map and Slice as JSON of AsRaw() (encoding/json semantics:
 *   sorted map keys, HTML-escaped strings, []byte as base64); Empty "".
 */
import type { AnyValue, KeyValue } from './model.js';

/** Go strconv.FormatFloat(f, 'f', -1, 64): shortest round-trip digits, never an exponent. */
export function goFormatFloatF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (Object.is(f, -0)) return '-0';
  const s = String(f);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const negative = s.startsWith('-');
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exponent = Number(s.slice(e + 1));
  const [intPart, fracPart = ''] = mantissa.split('.');
  const digits = intPart! + fracPart;
  const point = intPart!.length + exponent;
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  return (negative ? '-' : '') + out;
}

/** encoding/json float64: 'f' format unless the exponent is < -6 or >= 21, then 'e' with a short exponent. */
function goJsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error('unsupported value'); // json: unsupported value
  const abs = Math.abs(f);
  if (abs === 0 || (abs >= 1e-6 && abs < 1e21)) return goFormatFloatF(f);
  // JS already prints the shortest digits with e-7 / e+21 style exponents, as Go does after its cleanup.
  return String(f);
}

/** encoding/json string escaping, including its HTML-safe escapes. */
function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}

function goJsonRaw(v: AnyValue): string {
  switch (v.kind) {
    case 'string':
      return goJsonString(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'int':
      return v.value.toString();
    case 'double':
      return goJsonFloat(v.value);
    case 'bytes':
      return goJsonString(Buffer.from(v.value).toString('base64'));
    case 'array':
      return '[' + v.value.map(goJsonRaw).join(',') + ']';
    case 'kvlist': {
      // AsRaw() builds a Go map, so a repeated key keeps its last value, and json.Marshal sorts keys.
      const map = new Map<string, AnyValue>();
      for (const kv of v.value) map.set(kv.key, kv.value);
      const keys = [...map.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return '{' + keys.map((k) => goJsonString(k) + ':' + goJsonRaw(map.get(k)!)).join(',') + '}';
    }
    case 'empty':
      return 'null';
  }
}

/**
 * An attribute list as the exporter's JSON mode writes it: json.Marshal(attributes.AsRaw()) —
 * typed values (numbers, booleans, nested objects), sorted keys, a repeated key's last value.
 * Go refuses NaN and ±Inf; such a map is written empty rather than failing the span.
 */
export function goJsonAttributes(list: readonly KeyValue[]): string {
  try {
    return goJsonRaw({ kind: 'kvlist', value: [...list] });
  } catch {
    return '{}';
  }
}

export function valueAsString(v: AnyValue): string {
  switch (v.kind) {
    case 'string':
      return v.value;
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'int':
      return v.value.toString();
    case 'double':
      return goFormatFloatF(v.value);
    case 'bytes':
      return Buffer.from(v.value).toString('base64');
    case 'array':
    case 'kvlist':
      try {
        return goJsonRaw(v);
      } catch {
        return ''; // Go's marshal error (NaN/Inf inside) leaves an empty string
      }
    case 'empty':
      return '';
  }
}

/**
 * ClickHouse's Native output as a client that names its protocol revision expects it.
 *
 * Over HTTP, `client_protocol_version=N` makes ClickHouse write each Native block the way
 * the TCP protocol at revision N does: a BlockInfo before the columns (N > 0), and after
 * each column's type a "custom serialization" flag (N >= 54454). clickhouse-go (the
 * collector's ClickHouse exporter) asks for this; chdb writes plain Native. This walks the
 * plain blocks, which needs the byte length of every column's data, and adds both.
 */

export const REVISION_WITH_CUSTOM_SERIALIZATION = 54454;

export class NativeFormatError extends Error {}

interface TypeNode {
  name: string;
  args: TypeNode[];
  /** The raw text inside the parentheses (for FixedString(N), Decimal(P, S)…). */
  params: string;
}

/** Parses a ClickHouse type name like `Map(LowCardinality(String), Array(Nullable(UInt8)))`. */
export function parseType(text: string): TypeNode {
  const s = text.trim();
  const open = s.indexOf('(');
  if (open < 0) return { name: s, args: [], params: '' };
  if (!s.endsWith(')')) throw new NativeFormatError(`cannot read the type "${s.slice(0, 100)}"`);
  const name = s.slice(0, open).trim();
  const params = s.slice(open + 1, -1);
  const args: TypeNode[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i <= params.length; i++) {
    const c = params[i];
    if (c === "'" && params[i - 1] !== '\\') quoted = !quoted;
    if (quoted) continue;
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if ((c === ',' || c === undefined) && depth === 0) {
      let part = params.slice(start, i).trim();
      // Named tuple elements ("name Type") keep only the type.
      if (name === 'Tuple' && /^[A-Za-z_][A-Za-z0-9_]*\s+[A-Z]/.test(part)) part = part.replace(/^[A-Za-z_][A-Za-z0-9_]*\s+/, '');
      if (part) args.push(/^[A-Z]/.test(part) ? parseType(part) : { name: '#param', args: [], params: part });
      start = i + 1;
    }
  }
  return { name, args, params };
}

const FIXED: Record<string, number> = {
  UInt8: 1, Int8: 1, Bool: 1, Enum8: 1,
  UInt16: 2, Int16: 2, Enum16: 2, Date: 2,
  UInt32: 4, Int32: 4, Float32: 4, DateTime: 4, Date32: 4, IPv4: 4, Decimal32: 4,
  UInt64: 8, Int64: 8, Float64: 8, DateTime64: 8, Decimal64: 8,
  UInt128: 16, Int128: 16, UUID: 16, IPv6: 16, Decimal128: 16,
  UInt256: 32, Int256: 32, Decimal256: 32,
};

function fixedWidth(t: TypeNode): number | null {
  if (t.name in FIXED) return FIXED[t.name]!;
  if (t.name === 'FixedString') return Number(t.params);
  if (t.name === 'Decimal') {
    const precision = Number(t.params.split(',')[0]);
    return precision <= 9 ? 4 : precision <= 18 ? 8 : precision <= 38 ? 16 : 32;
  }
  return null;
}

class Cursor {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new NativeFormatError('the Native data ends inside a column');
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      this.need(1);
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new NativeFormatError('a length in the Native data is too long');
    }
  }
  u64(): number {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new NativeFormatError('a count in the Native data is too large');
    return Number(v);
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  string(): string {
    const n = this.varint();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

/** The state prefixes ClickHouse writes before a column's data: only LowCardinality has one (its keys version). */
function skipPrefix(t: TypeNode, c: Cursor): void {
  if (t.name === 'LowCardinality') return c.skip(8);
  for (const a of t.args) if (a.name !== '#param') skipPrefix(a, c);
}

const LC_INDEX_WIDTH = [1, 2, 4, 8];
const LC_HAS_ADDITIONAL_KEYS = 1 << 9;
const LC_NEED_UPDATE_DICTIONARY = 1 << 10;

function skipData(t: TypeNode, c: Cursor, rows: number): void {
  if (rows === 0) return;
  const width = fixedWidth(t);
  if (width !== null) return c.skip(width * rows);
  switch (t.name) {
    case 'String':
      for (let i = 0; i < rows; i++) c.skip(c.varint());
      return;
    case 'Nullable':
      c.skip(rows);
      return skipData(t.args[0]!, c, rows);
    case 'Array':
    case 'Map': {
      let total = 0;
      for (let i = 0; i < rows; i++) total = c.u64();
      if (t.name === 'Array') return skipData(t.args[0]!, c, total);
      skipData(t.args[0]!, c, total);
      return skipData(t.args[1]!, c, total);
    }
    case 'Tuple':
      for (const a of t.args) skipData(a, c, rows);
      return;
    case 'LowCardinality': {
      const inner = t.args[0]!;
      const dictionary = inner.name === 'Nullable' ? inner.args[0]! : inner;
      let read = 0;
      while (read < rows) {
        const flags = c.u64();
        if (flags & (LC_HAS_ADDITIONAL_KEYS | LC_NEED_UPDATE_DICTIONARY)) skipData(dictionary, c, c.u64());
        const n = c.u64();
        c.skip(n * LC_INDEX_WIDTH[flags & 0xff]!);
        read += n;
      }
      return;
    }
    default:
      throw new NativeFormatError(`the sandbox cannot re-encode Native columns of type ${t.name} for this client`);
  }
}

/** BlockInfo as the TCP protocol writes it: is_overflows = false, bucket_num = -1, end marker. */
const BLOCK_INFO = Buffer.from([0x01, 0x00, 0x02, 0xff, 0xff, 0xff, 0xff, 0x00]);
const NO_CUSTOM_SERIALIZATION = Buffer.from([0x00]);

export function nativeForClientRevision(plain: Buffer, revision: number): Buffer {
  if (revision <= 0) return plain;
  const c = new Cursor(plain);
  const out: Buffer[] = [];
  while (!c.done) {
    out.push(BLOCK_INFO);
    const headerStart = c.pos;
    const columns = c.varint();
    const rows = c.varint();
    out.push(plain.subarray(headerStart, c.pos));
    for (let i = 0; i < columns; i++) {
      const start = c.pos;
      c.string();
      const type = parseType(c.string());
      out.push(plain.subarray(start, c.pos));
      if (revision >= REVISION_WITH_CUSTOM_SERIALIZATION) out.push(NO_CUSTOM_SERIALIZATION);
      const dataStart = c.pos;
      if (rows > 0) {
        skipPrefix(type, c);
        skipData(type, c, rows);
      }
      out.push(plain.subarray(dataStart, c.pos));
    }
  }
  return Buffer.concat(out);
}

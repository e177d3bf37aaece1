/**
 * A protobuf wire-format writer and reader for tests, independent of the app's codec: the
 * fuzz tests build OTLP requests as field trees, break them on purpose (wrong wire types,
 * lying lengths, bad ids) and read the receiver's answers without trusting its own code.
 */

export type PbNode =
  | { n: number; t: 'varint'; v: bigint }
  | { n: number; t: 'fixed64'; v: bigint }
  | { n: number; t: 'fixed32'; v: number }
  | { n: number; t: 'bytes'; v: Buffer; lengthLie?: number }
  | { n: number; t: 'msg'; v: PbNode[]; lengthLie?: number };

function varint(value: bigint): Buffer {
  let v = BigInt.asUintN(64, value);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Buffer.from(out);
}

const WIRE = { varint: 0, fixed64: 1, bytes: 2, msg: 2, fixed32: 5 } as const;

export function encode(nodes: PbNode[]): Buffer {
  const parts: Buffer[] = [];
  for (const node of nodes) {
    parts.push(varint(BigInt((node.n << 3) | WIRE[node.t])));
    switch (node.t) {
      case 'varint':
        parts.push(varint(node.v));
        break;
      case 'fixed64': {
        const b = Buffer.alloc(8);
        b.writeBigUInt64LE(BigInt.asUintN(64, node.v));
        parts.push(b);
        break;
      }
      case 'fixed32': {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(node.v >>> 0);
        parts.push(b);
        break;
      }
      case 'bytes':
      case 'msg': {
        const body = node.t === 'bytes' ? node.v : encode(node.v);
        parts.push(varint(BigInt(Math.max(0, body.length + (node.lengthLie ?? 0)))), body);
        break;
      }
    }
  }
  return Buffer.concat(parts);
}

export const str = (n: number, s: string): PbNode => ({ n, t: 'bytes', v: Buffer.from(s, 'utf8') });
export const bytes = (n: number, v: Buffer): PbNode => ({ n, t: 'bytes', v });
export const msg = (n: number, v: PbNode[]): PbNode => ({ n, t: 'msg', v });

/** Reads one level of fields; throws on anything malformed. */
export function decodeFields(buf: Buffer): Map<number, (bigint | Buffer)[]> {
  const fields = new Map<number, (bigint | Buffer)[]>();
  let pos = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const byte = buf[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new Error('varint too long');
  };
  while (pos < buf.length) {
    const key = readVarint();
    const n = Number(key >> 3n);
    const wire = Number(key & 7n);
    let value: bigint | Buffer;
    if (wire === 0) value = readVarint();
    else if (wire === 2) {
      const len = Number(readVarint());
      if (pos + len > buf.length) throw new Error('truncated field');
      value = buf.subarray(pos, pos + len);
      pos += len;
    } else throw new Error(`unexpected wire type ${wire}`);
    fields.set(n, [...(fields.get(n) ?? []), value]);
  }
  return fields;
}

/**
 * CityHash128 as ClickHouse uses it (CityHash v1.0.2, which later CityHash releases
 * changed): the checksum in front of every compressed block of its native protocol.
 * 64-bit arithmetic in BigInt; the sandbox hashes kilobytes to a few megabytes per request.
 */

const MASK = (1n << 64n) - 1n;
const K0 = 0xc3a5c85c97cb3127n;
const K1 = 0xb492b66fbe98f273n;
const K2 = 0x9ae16a3b2f90404fn;
const K3 = 0xc949d7c7509e6557n;
const KMUL = 0x9ddfea08eb382d69n;

export interface Hash128 {
  low: bigint;
  high: bigint;
}

const mul = (a: bigint, b: bigint) => (a * b) & MASK;
const add = (...xs: bigint[]) => xs.reduce((s, x) => s + x, 0n) & MASK;
const sub = (a: bigint, b: bigint) => (a - b) & MASK;
const rot = (v: bigint, shift: bigint) => (shift === 0n ? v : ((v >> shift) | (v << (64n - shift))) & MASK);
const shiftMix = (v: bigint) => v ^ (v >> 47n);

function hash16(u: bigint, v: bigint): bigint {
  let a = mul(u ^ v, KMUL);
  a ^= a >> 47n;
  let b = mul(v ^ a, KMUL);
  b ^= b >> 47n;
  return mul(b, KMUL);
}

class Bytes {
  constructor(
    readonly buf: Buffer,
    readonly start: number,
    readonly length: number,
  ) {}
  u64(at: number): bigint {
    return this.buf.readBigUInt64LE(this.start + at);
  }
  u32(at: number): bigint {
    return BigInt(this.buf.readUInt32LE(this.start + at));
  }
  byte(at: number): bigint {
    return BigInt(this.buf[this.start + at]!);
  }
}

function hash0to16(s: Bytes, len: number): bigint {
  const n = BigInt(len);
  if (len > 8) {
    const a = s.u64(0);
    const b = s.u64(len - 8);
    return hash16(a, rot(add(b, n), n)) ^ b;
  }
  if (len >= 4) return hash16(add(n, (s.u32(0) << 3n) & MASK), s.u32(len - 4));
  if (len > 0) {
    const y = (s.byte(0) + (s.byte(len >> 1) << 8n)) & 0xffffffffn;
    const z = (n + (s.byte(len - 1) << 2n)) & 0xffffffffn;
    return mul(shiftMix(mul(y, K2) ^ mul(z, K3)), K2);
  }
  return K2;
}

/** 32 bytes at `at` and two seeds to a 128-bit value; quick and weak, as CityHash's inner loop wants. */
function weakHash32(s: Bytes, at: number, a: bigint, b: bigint): Hash128 {
  const w = s.u64(at);
  const x = s.u64(at + 8);
  const y = s.u64(at + 16);
  const z = s.u64(at + 24);
  a = add(a, w);
  b = rot(add(b, a, z), 21n);
  const c = a;
  a = add(a, x, y);
  b = add(b, rot(a, 44n));
  return { low: add(a, z), high: add(b, c) };
}

/** CityMurmur: the short-input path (under 128 bytes after the seed). */
function murmur(s: Bytes, seed: Hash128): Hash128 {
  const len = s.length;
  let a = seed.low;
  let b = seed.high;
  let c: bigint;
  let d: bigint;
  if (len <= 16) {
    a = mul(shiftMix(mul(a, K1)), K1);
    c = add(mul(b, K1), hash0to16(s, len));
    d = shiftMix(add(a, len >= 8 ? s.u64(0) : c));
  } else {
    c = hash16(add(s.u64(len - 8), K1), a);
    d = hash16(add(b, BigInt(len)), add(c, s.u64(len - 16)));
    a = add(a, d);
    let at = 0;
    let left = len - 16;
    do {
      a ^= mul(shiftMix(mul(s.u64(at), K1)), K1);
      a = mul(a, K1);
      b ^= a;
      c ^= mul(shiftMix(mul(s.u64(at + 8), K1)), K1);
      c = mul(c, K1);
      d ^= c;
      at += 16;
      left -= 16;
    } while (left > 0);
  }
  a = hash16(a, c);
  b = hash16(d, b);
  return { low: a ^ b, high: hash16(b, a) };
}

function withSeed(s: Bytes, seed: Hash128): Hash128 {
  const len = s.length;
  if (len < 128) return murmur(s, seed);
  let x = seed.low;
  let y = seed.high;
  let z = mul(BigInt(len), K1);
  let v: Hash128 = { low: 0n, high: 0n };
  v.low = add(mul(rot(y ^ K1, 49n), K1), s.u64(0));
  v.high = add(mul(rot(v.low, 42n), K1), s.u64(8));
  let w: Hash128 = { low: add(mul(rot(add(y, z), 35n), K1), x), high: mul(rot(add(x, s.u64(88)), 53n), K1) };

  let at = 0;
  let left = len;
  // Two 64-byte rounds per 128 bytes, as in CityHash64's loop.
  const round = () => {
    x = mul(rot(add(x, y, v.low, s.u64(at + 16)), 37n), K1);
    y = mul(rot(add(y, v.high, s.u64(at + 48)), 42n), K1);
    x ^= w.high;
    y ^= v.low;
    z = rot(z ^ w.low, 33n);
    v = weakHash32(s, at, mul(v.high, K1), add(x, w.low));
    w = weakHash32(s, at + 32, add(z, w.high), y);
    [z, x] = [x, z];
    at += 64;
  };
  do {
    round();
    round();
    left -= 128;
  } while (left >= 128);

  y = add(y, mul(rot(w.low, 37n), K0), z);
  x = add(x, mul(rot(add(v.low, z), 49n), K0));
  // The last 1..127 bytes, in up to four 32-byte chunks counted back from the end.
  for (let done = 0; done < left; ) {
    done += 32;
    y = add(mul(rot(sub(y, x), 42n), K0), v.high);
    w.low = add(w.low, s.u64(at + left - done + 16));
    x = add(mul(rot(x, 49n), K0), w.low);
    w.low = add(w.low, v.low);
    v = weakHash32(s, at + left - done, v.low, v.high);
  }
  x = hash16(x, v.low);
  y = hash16(y, w.low);
  return { low: add(hash16(add(x, v.high), w.high), y), high: hash16(add(x, w.high), add(y, v.high)) };
}

export function cityHash128(data: Buffer): Hash128 {
  const all = new Bytes(data, 0, data.length);
  if (data.length >= 16) return withSeed(new Bytes(data, 16, data.length - 16), { low: all.u64(0) ^ K3, high: all.u64(8) });
  if (data.length >= 8) {
    const n = BigInt(data.length);
    return withSeed(new Bytes(data, 0, 0), { low: all.u64(0) ^ mul(n, K0), high: all.u64(data.length - 8) ^ K1 });
  }
  return withSeed(all, { low: K0, high: K1 });
}

/**
 * The pieces of ClickHouse's native wire format the sandbox speaks for clickhouse-go:
 * CityHash128 (v1.0.2), LZ4 blocks, compressed-block framing, and Native blocks at a
 * client's protocol revision.
 */
import { describe, expect, it } from 'vitest';
import { cityHash128 } from '../../electron/sandbox/city-hash.js';
import { CompressedBlockError, lz4DecodeBlock, METHOD_LZ4, readCompressedBlocks, writeCompressedBlocks } from '../../electron/sandbox/compressed-blocks.js';
import { NativeFormatError, nativeForClientRevision, parseType } from '../../electron/sandbox/native-output.js';

/** The test input of every length: byte i is (i*131 + 7) ^ (i >> 3). */
function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = ((i * 131 + 7) ^ (i >> 3)) & 0xff;
  return b;
}

const hex128 = (data: Buffer) => {
  const h = cityHash128(data);
  const out = Buffer.alloc(16);
  out.writeBigUInt64LE(h.low, 0);
  out.writeBigUInt64LE(h.high, 8);
  return out.toString('hex');
};

describe('CityHash128 (ClickHouse, v1.0.2)', () => {
  // Expected values computed with github.com/go-faster/city CH128 (what clickhouse-go checks blocks with),
  // one per code path: empty, <8, 16, 17, exactly 128, 129, and long inputs with tails.
  const KNOWN: [number, string][] = [
    [0, '2b9ac064fc9df03d291ee592c340b53c'],
    [7, '9fcf1dd3db31283eca0a4b3cddf55959'],
    [16, '08622e4156e91cc769693fe23ed08fd7'],
    [17, '6a258557c5687638eb7c21dbf6b98835'],
    [128, '71cdfaba0ba8a25af34530facae97742'],
    [129, 'd8b885d4de50caac450fd107e34ffe24'],
    [257, 'd1cc74df1517327650b3ef3cbbafcbd3'],
    [4096, '6b6dbe520498d51cbff24f5b2e590ddf'],
    [65537, 'f636cdcf4021bdba9d0f68e5d851d387'],
  ];
  it.each(KNOWN)('hashes %i bytes like the Go implementation', (n, expected) => {
    expect(hex128(pattern(n))).toBe(expected);
  });
});

describe('LZ4 blocks', () => {
  it('decodes literals and an overlapping match', () => {
    // "abc" as literals, a match 3 bytes back and 9 long (overlapping itself), then "!" as the last literals
    const block = Buffer.from([0x35, 0x61, 0x62, 0x63, 0x03, 0x00, 0x10, 0x21]);
    expect(lz4DecodeBlock(block, 13).toString()).toBe('abcabcabcabc!');
  });

  it('refuses corrupt blocks instead of reading out of bounds', () => {
    for (const [bytes, size] of [
      [[0x30, 0x61], 3], // literals cut short
      [[0x10, 0x61, 0x00, 0x00], 10], // match offset 0
      [[0x10, 0x61, 0x05, 0x00], 10], // match before the start
      [[0x10, 0x61, 0x01], 10], // offset cut short
      [[0x20, 0x61, 0x62], 5], // decodes to fewer bytes than declared
    ] as [number[], number][]) {
      expect(() => lz4DecodeBlock(Buffer.from(bytes), size)).toThrow(CompressedBlockError);
    }
  });
});

describe('compressed-block framing', () => {
  it('round-trips answers across block boundaries and checks every checksum', () => {
    const data = pattern(2.5 * 1024 * 1024);
    const framed = writeCompressedBlocks(data);
    expect(readCompressedBlocks(framed, 10 * 1024 * 1024).equals(data)).toBe(true);
    const tampered = Buffer.from(framed);
    tampered[40] = tampered[40]! ^ 1;
    expect(() => readCompressedBlocks(tampered, 10 * 1024 * 1024)).toThrow(/Checksum does not match/);
    expect(() => readCompressedBlocks(framed, 1024)).toThrow(/larger than 1024 bytes/);
    expect(() => readCompressedBlocks(framed.subarray(0, 20), 1e9)).toThrow(/cut short/);
  });

  it('reads LZ4 blocks as clickhouse-go sends them', () => {
    const lz4 = Buffer.from([0x35, 0x61, 0x62, 0x63, 0x03, 0x00, 0x10, 0x21]);
    const framed = Buffer.alloc(9 + lz4.length);
    framed[0] = METHOD_LZ4;
    framed.writeUInt32LE(framed.length, 1);
    framed.writeUInt32LE(13, 5);
    lz4.copy(framed, 9);
    const checksum = Buffer.from(hex128(framed), 'hex');
    expect(readCompressedBlocks(Buffer.concat([checksum, framed]), 100).toString()).toBe('abcabcabcabc!');
  });
});

describe('Native blocks at a client revision', () => {
  const varint = (n: number) => Buffer.from([n]);
  const str = (s: string) => Buffer.concat([varint(Buffer.byteLength(s)), Buffer.from(s)]);
  const u64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  // Two rows: s String, n UInt32, a Array(String), m Nullable(UInt8), lc LowCardinality(String)
  const columns = [
    [str('s'), str('String'), str('x'), str('yz')],
    [str('n'), str('UInt32'), Buffer.from([1, 0, 0, 0, 2, 0, 0, 0])],
    [str('a'), str('Array(String)'), u64(1), u64(3), str('p'), str('q'), str('r')],
    [str('m'), str('Nullable(UInt8)'), Buffer.from([0, 1]), Buffer.from([9, 0])],
    // keys version; then flags (UInt8 indexes, with dictionary) · 2 keys · 2 rows of indexes
    [str('lc'), str('LowCardinality(String)'), u64(1), u64(0x600), u64(2), str(''), str('gpt'), u64(2), Buffer.from([1, 1])],
  ];
  const plain = Buffer.concat([varint(5), varint(2), ...columns.flat()]);

  it('adds the BlockInfo and a no-custom-serialization flag after each column type', () => {
    const out = nativeForClientRevision(plain, 54460);
    const expected = Buffer.concat([
      Buffer.from([0x01, 0x00, 0x02, 0xff, 0xff, 0xff, 0xff, 0x00]),
      varint(5),
      varint(2),
      ...columns.map(([name, type, ...data]) => Buffer.concat([name!, type!, Buffer.from([0]), ...data])),
    ]);
    expect(out.equals(expected)).toBe(true);
    expect(nativeForClientRevision(plain, 0).equals(plain)).toBe(true);
  });

  it('refuses what it cannot walk, with the reason', () => {
    expect(() => nativeForClientRevision(plain.subarray(0, plain.length - 3), 54460)).toThrow(NativeFormatError);
    const variant = Buffer.concat([varint(1), varint(1), str('v'), str('Variant(String, UInt8)'), Buffer.from([0])]);
    expect(() => nativeForClientRevision(variant, 54460)).toThrow(/type Variant/);
  });

  it('parses nested and parameterised types', () => {
    expect(parseType("Map(LowCardinality(String), Array(Tuple(a String, b DateTime64(9, 'UTC'))))")).toMatchObject({
      name: 'Map',
      args: [{ name: 'LowCardinality', args: [{ name: 'String' }] }, { name: 'Array', args: [{ name: 'Tuple', args: [{ name: 'String' }, { name: 'DateTime64' }] }] }],
    });
  });
});

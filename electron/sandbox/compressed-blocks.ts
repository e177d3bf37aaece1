/**
 * ClickHouse's compressed-block framing, which HTTP clients ask for with `compress=1`
 * (answers) and `decompress=1` (request bodies), clickhouse-go and so the collector's
 * ClickHouse exporter by default. A block is:
 *   checksum (CityHash128 of the rest, 16 bytes) · method (1) · size with this 9-byte header (u32) · raw size (u32) · data
 * Request blocks may be LZ4 or uncompressed; answers are framed uncompressed (method None):
 * valid for every client, and the sandbox only talks over loopback.
 */
import { cityHash128 } from './city-hash.js';

export const METHOD_NONE = 0x02;
export const METHOD_LZ4 = 0x82;
export const METHOD_ZSTD = 0x90;
const CHECKSUM_BYTES = 16;
const HEADER_BYTES = 9;
/** ClickHouse's default max_compress_block_size. */
export const ANSWER_BLOCK_BYTES = 1024 * 1024;

export class CompressedBlockError extends Error {
  constructor(
    message: string,
    /** ClickHouse's error code for the problem. */
    readonly code: number,
    readonly codeName: string,
  ) {
    super(message);
  }
}

const corrupt = (why: string) => new CompressedBlockError(`Compressed data is corrupt: ${why}`, 271, 'CANNOT_DECOMPRESS');

/** Decodes one LZ4 block (the raw block format, no frame) of a known decoded size. */
export function lz4DecodeBlock(src: Buffer, size: number): Buffer {
  const dst = Buffer.alloc(size);
  let s = 0;
  let d = 0;
  const next = () => {
    if (s >= src.length) throw corrupt('an LZ4 sequence ends early');
    return src[s++]!;
  };
  const extendedLength = (base: number) => {
    let n = base;
    if (base === 15) {
      let b: number;
      do {
        b = next();
        n += b;
      } while (b === 255);
    }
    return n;
  };
  while (s < src.length) {
    const token = next();
    const literals = extendedLength(token >> 4);
    if (s + literals > src.length || d + literals > size) throw corrupt('LZ4 literals run past the end');
    src.copy(dst, d, s, s + literals);
    s += literals;
    d += literals;
    if (s === src.length) break; // the last sequence has literals only
    const offset = next() | (next() << 8);
    if (offset === 0 || offset > d) throw corrupt(`an LZ4 match points ${offset} bytes back from position ${d}`);
    const length = extendedLength(token & 0x0f) + 4;
    if (d + length > size) throw corrupt('an LZ4 match runs past the declared size');
    // Byte by byte: a match may overlap the bytes it is producing.
    for (let i = 0; i < length; i++, d++) dst[d] = dst[d - offset]!;
  }
  if (d !== size) throw corrupt(`LZ4 data decodes to ${d} bytes, the header says ${size}`);
  return dst;
}

function checksumOf(framed: Buffer): Buffer {
  const h = cityHash128(framed);
  const out = Buffer.alloc(CHECKSUM_BYTES);
  out.writeBigUInt64LE(h.low, 0);
  out.writeBigUInt64LE(h.high, 8);
  return out;
}

/** A request body of compressed blocks, checked and decompressed; `limit` caps the decoded size. */
export function readCompressedBlocks(body: Buffer, limit: number): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  let pos = 0;
  while (pos < body.length) {
    if (body.length - pos < CHECKSUM_BYTES + HEADER_BYTES) throw corrupt('a block header is cut short');
    const method = body[pos + CHECKSUM_BYTES]!;
    const framedSize = body.readUInt32LE(pos + CHECKSUM_BYTES + 1);
    const rawSize = body.readUInt32LE(pos + CHECKSUM_BYTES + 5);
    if (framedSize < HEADER_BYTES || pos + CHECKSUM_BYTES + framedSize > body.length) throw corrupt(`a block says it is ${framedSize} bytes long`);
    if (total + rawSize > limit) throw new CompressedBlockError(`Decompressed data is larger than ${limit} bytes`, 1003, 'TOO_LARGE_REQUEST_BODY');
    const framed = body.subarray(pos + CHECKSUM_BYTES, pos + CHECKSUM_BYTES + framedSize);
    if (!checksumOf(framed).equals(body.subarray(pos, pos + CHECKSUM_BYTES))) {
      throw new CompressedBlockError('Checksum does not match: corrupted data', 40, 'CHECKSUM_DOESNT_MATCH');
    }
    const data = framed.subarray(HEADER_BYTES);
    if (method === METHOD_LZ4) parts.push(lz4DecodeBlock(data, rawSize));
    else if (method === METHOD_NONE) {
      if (data.length !== rawSize) throw corrupt('an uncompressed block has the wrong size');
      parts.push(data);
    } else if (method === METHOD_ZSTD) {
      throw new CompressedBlockError('ZSTD blocks are not supported by the sandbox; use LZ4 (compress: lz4) or gzip', 48, 'NOT_IMPLEMENTED');
    } else throw new CompressedBlockError(`Unknown compression method 0x${method.toString(16)}`, 89, 'UNKNOWN_COMPRESSION_METHOD');
    total += rawSize;
    pos += CHECKSUM_BYTES + framedSize;
  }
  return Buffer.concat(parts);
}

/** An answer framed as compressed blocks of ClickHouse's default size, stored uncompressed. */
export function writeCompressedBlocks(data: Buffer): Buffer {
  const out: Buffer[] = [];
  for (let at = 0; at < data.length; at += ANSWER_BLOCK_BYTES) {
    const chunk = data.subarray(at, at + ANSWER_BLOCK_BYTES);
    const framed = Buffer.alloc(HEADER_BYTES + chunk.length);
    framed[0] = METHOD_NONE;
    framed.writeUInt32LE(HEADER_BYTES + chunk.length, 1);
    framed.writeUInt32LE(chunk.length, 5);
    chunk.copy(framed, HEADER_BYTES);
    out.push(checksumOf(framed), framed);
  }
  return Buffer.concat(out);
}

/** Reading request bodies with a size cap and Content-Encoding: the sandbox's servers and the web bridge. */
import type { IncomingMessage } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

export async function readLimitedBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new BodyError(413, `the body is ${declared} bytes; the limit is ${limit}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume(); // drain so the socket can answer
      throw new BodyError(413, `the body is larger than the limit of ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Decodes Content-Encoding, and caps the decoded size too (a small gzip can expand enormously). */
export function decodeContentEncoding(body: Buffer, encoding: string | undefined, limit: number): Buffer {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return body;
  const options = { maxOutputLength: limit };
  try {
    if (enc === 'gzip' || enc === 'x-gzip') return gunzipSync(body, options);
    if (enc === 'deflate') return inflateSync(body, options);
    if (enc === 'br') return brotliDecompressSync(body, options);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw new BodyError(413, `the decompressed body is larger than the limit of ${limit} bytes`);
    throw new BodyError(400, `the body is not valid ${enc} data`);
  }
  throw new BodyError(415, `Content-Encoding "${enc}" is not supported (use gzip, deflate, br or identity)`);
}

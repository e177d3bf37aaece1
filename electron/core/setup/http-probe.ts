/** One bounded HTTP request with connect and total timeouts and a capped body, via undici. */
import { Agent, request } from 'undici';

export const CONNECT_TIMEOUT_MS = 5_000;
export const TOTAL_TIMEOUT_MS = 10_000;
export const MAX_BODY_BYTES = 64 * 1024;

const agent = new Agent({ connect: { timeout: CONNECT_TIMEOUT_MS }, headersTimeout: TOTAL_TIMEOUT_MS, bodyTimeout: TOTAL_TIMEOUT_MS });

export interface ProbeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The same bytes undecoded (a protobuf answer). */
  raw: Buffer;
}

export async function probe(url: string, init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string | Buffer; totalTimeoutMs?: number; signal?: AbortSignal }): Promise<ProbeResponse> {
  const res = await request(url, {
    method: init.method,
    headers: init.headers,
    body: init.body,
    dispatcher: agent,
    signal: init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(init.totalTimeoutMs ?? TOTAL_TIMEOUT_MS)]) : AbortSignal.timeout(init.totalTimeoutMs ?? TOTAL_TIMEOUT_MS),
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) {
      chunks.push(buf.subarray(0, MAX_BODY_BYTES - (size - buf.length)));
      res.body.destroy();
      break;
    }
    chunks.push(buf);
  }
  const raw = Buffer.concat(chunks);
  return { status: res.statusCode, headers: res.headers, body: raw.toString('utf8'), raw };
}

/**
 * Sends an OTLP export exactly as TrueFoundry does, over the profile's protocol (OTLP/HTTP with
 * JSON or protobuf, or OTLP/gRPC), with `authorization` when a token is set, retrying only what
 * the OTLP spec allows (HTTP 429/502/503/504; gRPC's retryable codes), honouring Retry-After or RetryInfo.
 */
import { exportTraces } from '../otlp/otlp-export.js';
import { retryHintName, type OtlpDestination } from '../otlp/otlp-destination.js';

export { parseRetryAfter } from '../otlp/otlp-export.js';
export const MAX_ATTEMPTS = 4;
/** Longest Retry-After we honour before giving up and reporting it. */
export const MAX_RETRY_AFTER_MS = 30_000;
export const DEFAULT_BACKOFF_MS = 1_000;

export interface SendOutcome {
  ok: boolean;
  /** HTTP status or gRPC code; null when nothing answered. */
  status: number | null;
  statusText: string;
  summary: string;
  fix: string | null;
  attempts: number;
  retriedAfterMs: number[];
  rejectedSpans: number;
}

export async function sendOtlp(destination: OtlpDestination, body: string, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<SendOutcome> {
  const retriedAfterMs: number[] = [];
  for (let attempt = 1; ; attempt++) {
    const answer = await exportTraces(destination, body);
    if (answer.retryable && attempt < MAX_ATTEMPTS) {
      const wait = answer.retryAfterMs ?? DEFAULT_BACKOFF_MS * 2 ** (attempt - 1);
      if (wait <= MAX_RETRY_AFTER_MS) {
        retriedAfterMs.push(wait);
        await sleep(wait);
        continue;
      }
    }
    const retried = retriedAfterMs.length ? `, after ${retriedAfterMs.length} retr${retriedAfterMs.length === 1 ? 'y' : 'ies'} honouring ${retryHintName(destination.protocol)}` : '';
    const summary = retried ? `${answer.summary.replace(/\.$/, '')}${retried}.` : answer.summary;
    return { ok: answer.ok, status: answer.status, statusText: answer.statusText, summary, fix: answer.fix, attempts: attempt, retriedAfterMs, rejectedSpans: answer.rejectedSpans };
  }
}

/** OTLP/HTTP with JSON: the CLI's and the tests' shorthand for the gateway's default. */
export function sendOtlpJson(endpoint: string, body: string, token: string | null, sleep?: (ms: number) => Promise<unknown>): Promise<SendOutcome> {
  return sendOtlp({ protocol: 'http/json', httpEndpoint: endpoint, grpcEndpoint: 'http://127.0.0.1:4317', token }, body, sleep);
}

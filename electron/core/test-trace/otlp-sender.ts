/**
 * Sends an OTLP/JSON export exactly as TrueFoundry does (POST, Content-Type: application/json,
 * `authorization` when a token is set), retrying only what the OTLP spec allows
 * (429, 502, 503, 504), honouring Retry-After.
 */
import { probe } from '../setup/http-probe.js';
import { explainNetworkError } from '../setup/network-errors.js';
import { explainOtlpStatus } from '../setup/collector-check.js';

export const RETRYABLE = new Set([429, 502, 503, 504]);
export const MAX_ATTEMPTS = 4;
/** Longest Retry-After we honour before giving up and reporting it. */
export const MAX_RETRY_AFTER_MS = 30_000;
export const DEFAULT_BACKOFF_MS = 1_000;

export interface SendOutcome {
  ok: boolean;
  status: number | null;
  summary: string;
  fix: string | null;
  attempts: number;
  retriedAfterMs: number[];
  rejectedSpans: number;
}

export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function partialSuccess(body: string): { rejected: number; message: string } {
  try {
    const parsed = JSON.parse(body) as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } };
    return { rejected: Number(parsed.partialSuccess?.rejectedSpans ?? 0) || 0, message: parsed.partialSuccess?.errorMessage ?? '' };
  } catch {
    return { rejected: 0, message: '' };
  }
}

export async function sendOtlpJson(endpoint: string, body: string, token: string | null, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<SendOutcome> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = token;
  const retriedAfterMs: number[] = [];
  for (let attempt = 1; ; attempt++) {
    let res;
    try {
      res = await probe(endpoint, { method: 'POST', headers, body });
    } catch (error) {
      const { cause, fix } = explainNetworkError(error, endpoint, 'collector');
      return { ok: false, status: null, summary: cause, fix, attempts: attempt, retriedAfterMs, rejectedSpans: 0 };
    }
    if (RETRYABLE.has(res.status) && attempt < MAX_ATTEMPTS) {
      const wait = parseRetryAfter(res.headers['retry-after']) ?? DEFAULT_BACKOFF_MS * 2 ** (attempt - 1);
      if (wait <= MAX_RETRY_AFTER_MS) {
        retriedAfterMs.push(wait);
        await sleep(wait);
        continue;
      }
    }
    if (res.status === 200) {
      const { rejected, message } = partialSuccess(res.body);
      if (rejected > 0) {
        return { ok: false, status: 200, summary: `The collector accepted the request but rejected ${rejected} span(s): ${message || 'no reason given'}.`, fix: 'The message says what the collector disliked; check the collector log for details.', attempts: attempt, retriedAfterMs, rejectedSpans: rejected };
      }
    }
    const explained = explainOtlpStatus(res.status, res.body, endpoint, token !== null);
    const retried = retriedAfterMs.length ? `, after ${retriedAfterMs.length} retr${retriedAfterMs.length === 1 ? 'y' : 'ies'} honouring Retry-After` : '';
    const summary = retried ? `${explained.summary.replace(/\.$/, '')}${retried}.` : explained.summary;
    return { ok: explained.ok, status: res.status, summary, fix: explained.fix, attempts: attempt, retriedAfterMs, rejectedSpans: 0 };
  }
}

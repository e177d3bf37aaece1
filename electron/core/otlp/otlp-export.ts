/**
 * One OTLP export the way the gateway would send it — OTLP/HTTP with JSON or protobuf, or
 * OTLP/gRPC — answered in one shape whatever the transport: accepted or not, whether a retry
 * may help and after how long, rejected spans, and a sentence with its fix.
 */
import * as grpc from '@grpc/grpc-js';
import { probe } from '../setup/http-probe.js';
import { explainNetworkError } from '../setup/network-errors.js';
import { explainOtlpStatus } from './explain-http.js';
import { grpcExport } from './grpc-export.js';
import { decodeExportResponse, decodeRpcStatus, jsonRequestToProto } from './otlp-proto.js';
import { endpointShown, protocolName, type OtlpDestination } from './otlp-destination.js';
import { explainGrpcStatus } from './explain-grpc.js';

/** OTLP/HTTP statuses a sender retries (the spec's list). */
export const RETRYABLE_HTTP = new Set([429, 502, 503, 504]);

export interface ExportAnswer {
  ok: boolean;
  /** The HTTP status, or the gRPC status code; null when nothing answered. */
  status: number | null;
  /** "200", "UNAUTHENTICATED (16)"… for sentences. */
  statusText: string;
  /** The nearest HTTP status, so health can classify gRPC answers as it does HTTP ones (null: no answer). */
  httpEquivalent: number | null;
  retryable: boolean;
  /** What the collector asked for (Retry-After, RetryInfo), if anything. */
  retryAfterMs: number | null;
  rejectedSpans: number;
  summary: string;
  fix: string | null;
}

export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function noAnswer(summary: string, fix: string): ExportAnswer {
  return { ok: false, status: null, statusText: 'no answer', httpEquivalent: null, retryable: false, retryAfterMs: null, rejectedSpans: 0, summary, fix };
}

function rejectedAnswer(base: Omit<ExportAnswer, 'ok' | 'rejectedSpans' | 'summary' | 'fix'>, rejected: number, message: string): ExportAnswer {
  return { ...base, ok: false, rejectedSpans: rejected, summary: `The collector accepted the request but rejected ${rejected} span(s): ${message || 'no reason given'}.`, fix: 'The message says what the collector disliked; check the collector log for details.' };
}

async function httpExport(d: OtlpDestination, json: string, signal?: AbortSignal): Promise<ExportAnswer> {
  const proto = d.protocol === 'http/protobuf';
  const headers: Record<string, string> = { 'content-type': proto ? 'application/x-protobuf' : 'application/json' };
  if (d.token) headers.authorization = d.token;
  let res;
  try {
    res = await probe(d.httpEndpoint, { method: 'POST', headers, body: proto ? jsonRequestToProto(json) : json, signal });
  } catch (error) {
    const { cause, fix } = explainNetworkError(error, d.httpEndpoint, 'collector');
    return noAnswer(cause, fix);
  }
  const answeredProto = String(res.headers['content-type'] ?? '').startsWith('application/x-protobuf');
  const base = { status: res.status, statusText: String(res.status), httpEquivalent: res.status, retryable: RETRYABLE_HTTP.has(res.status), retryAfterMs: parseRetryAfter(res.headers['retry-after']) };
  if (res.status === 200) {
    const partial = answeredProto ? decodeExportResponse(res.raw) : partialFromJson(res.body);
    if (partial.rejected > 0) return rejectedAnswer(base, partial.rejected, partial.message);
  }
  // The explanation reads a JSON {message}; a protobuf error body carries it in a google.rpc.Status.
  const body = answeredProto && res.status !== 200 ? JSON.stringify({ message: decodeRpcStatus(res.raw).message }) : res.body;
  const explained = explainOtlpStatus(res.status, body, d.httpEndpoint, d.token !== null, proto ? 'http/protobuf' : 'http/json');
  return { ...base, ok: explained.ok, rejectedSpans: 0, summary: explained.summary, fix: explained.fix };
}

function partialFromJson(body: string): { rejected: number; message: string } {
  try {
    const parsed = JSON.parse(body) as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } };
    return { rejected: Number(parsed.partialSuccess?.rejectedSpans ?? 0) || 0, message: parsed.partialSuccess?.errorMessage ?? '' };
  } catch {
    return { rejected: 0, message: '' };
  }
}

async function grpcExportAnswer(d: OtlpDestination, json: string, signal?: AbortSignal): Promise<ExportAnswer> {
  const reply = await grpcExport(d.grpcEndpoint, jsonRequestToProto(json), d.token, signal);
  if (reply.ok) {
    const base = { status: grpc.status.OK, statusText: 'OK (0)', httpEquivalent: 200, retryable: false, retryAfterMs: null };
    if (reply.rejected > 0) return rejectedAnswer(base, reply.rejected, reply.rejectMessage);
    return { ...base, ok: true, rejectedSpans: 0, summary: `The collector accepted an ${protocolName('grpc')} export at ${endpointShown(d)} (OK).`, fix: null };
  }
  // Our own deadline (a poll's) cancels the call: that is a timeout like the call's own, not something the collector said.
  const explained = explainGrpcStatus(signal?.aborted ? { ...reply, code: grpc.status.DEADLINE_EXCEEDED } : reply, d);
  if (!explained.answered) return noAnswer(explained.summary, explained.fix);
  return { ok: false, status: reply.code, statusText: `${reply.codeName} (${reply.code})`, httpEquivalent: explained.httpEquivalent, retryable: explained.retryable, retryAfterMs: reply.retryDelayMs, rejectedSpans: 0, summary: explained.summary, fix: explained.fix };
}

export function exportTraces(d: OtlpDestination, json: string, signal?: AbortSignal): Promise<ExportAnswer> {
  return d.protocol === 'grpc' ? grpcExportAnswer(d, json, signal) : httpExport(d, json, signal);
}

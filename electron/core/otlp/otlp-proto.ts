/**
 * OTLP protobuf for the app's own sends: an OTLP/JSON request (the app builds its test trace
 * and canary as JSON, by the spec's JSON mapping) re-encoded as an ExportTraceServiceRequest,
 * and the collector's answers decoded (ExportTraceServiceResponse, google.rpc.Status with RetryInfo).
 * protobufjs reads the spec's lowerCamelCase JSON names; only the ids differ (hex in JSON, bytes in protobuf).
 */
import protobuf from 'protobufjs';
import { OTLP_TRACE_PROTO } from '../../node-shared/otlp-proto-schema.js';

const root = protobuf.parse(OTLP_TRACE_PROTO).root;
const RequestType = root.lookupType('otlp.ExportTraceServiceRequest');
const ResponseType = root.lookupType('otlp.ExportTraceServiceResponse');
const StatusType = root.lookupType('otlp.RpcStatus');
const RetryInfoType = root.lookupType('otlp.RetryInfo');
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

type Json = Record<string, unknown>;
const hexToBytes = (v: unknown) => (typeof v === 'string' && v !== '' ? Buffer.from(v, 'hex') : undefined);

function withByteIds(o: Json, keys: string[]): Json {
  const out: Json = { ...o };
  for (const k of keys) out[k] = hexToBytes(o[k]);
  return out;
}

/** The same request, protobuf-encoded. Throws on a body that is not an OTLP/JSON trace request. */
export function jsonRequestToProto(json: string): Buffer {
  const parsed = JSON.parse(json) as { resourceSpans?: { scopeSpans?: { spans?: Json[] }[] }[] };
  const request = {
    resourceSpans: (parsed.resourceSpans ?? []).map((rs) => ({
      ...rs,
      scopeSpans: (rs.scopeSpans ?? []).map((ss) => ({
        ...ss,
        spans: (ss.spans ?? []).map((span) => ({
          ...withByteIds(span, ['traceId', 'spanId', 'parentSpanId']),
          links: ((span.links as Json[] | undefined) ?? []).map((l) => withByteIds(l, ['traceId', 'spanId'])),
        })),
      })),
    })),
  };
  const problem = RequestType.verify(RequestType.fromObject(request));
  if (problem) throw new Error(`the request cannot be encoded as protobuf: ${problem}`);
  return Buffer.from(RequestType.encode(RequestType.fromObject(request)).finish());
}

/** partial_success of an ExportTraceServiceResponse; a body that does not decode counts as none. */
export function decodeExportResponse(body: Uint8Array): { rejected: number; message: string } {
  try {
    const r = ResponseType.toObject(ResponseType.decode(body), { longs: String }) as { partialSuccess?: { rejectedSpans?: string; errorMessage?: string } };
    return { rejected: Number(r.partialSuccess?.rejectedSpans ?? 0) || 0, message: r.partialSuccess?.errorMessage ?? '' };
  } catch {
    return { rejected: 0, message: '' };
  }
}

/** A google.rpc.Status (an OTLP/HTTP protobuf error body, or gRPC's status details): message and RetryInfo delay. */
export function decodeRpcStatus(body: Uint8Array): { message: string; retryDelayMs: number | null } {
  try {
    const s = StatusType.toObject(StatusType.decode(body), { longs: String }) as { message?: string; details?: { typeUrl?: string; value?: Uint8Array }[] };
    const info = s.details?.find((d) => d.typeUrl === RETRY_INFO)?.value;
    let retryDelayMs: number | null = null;
    if (info) {
      const r = RetryInfoType.toObject(RetryInfoType.decode(info), { longs: String }) as { retryDelay?: { seconds?: string; nanos?: number } };
      if (r.retryDelay) retryDelayMs = Number(r.retryDelay.seconds ?? 0) * 1000 + Math.round((r.retryDelay.nanos ?? 0) / 1e6);
    }
    return { message: s.message ?? '', retryDelayMs };
  } catch {
    return { message: '', retryDelayMs: null };
  }
}

/** OTLP/protobuf decoding of trace requests and encoding of the receiver's answers. */
import protobuf from 'protobufjs';
import { bytesToHexId } from './ids.js';
import { OtlpDecodeError, type AnyValue, type KeyValue, type TraceRequest } from './model.js';
import { OTLP_TRACE_PROTO } from '../../node-shared/otlp-proto-schema.js';

const root = protobuf.parse(OTLP_TRACE_PROTO, { keepCase: true }).root;
const RequestType = root.lookupType('otlp.ExportTraceServiceRequest');
const ResponseType = root.lookupType('otlp.ExportTraceServiceResponse');
const RpcStatusType = root.lookupType('otlp.RpcStatus');
const RetryInfoType = root.lookupType('otlp.RetryInfo');

const MAX_DEPTH = 32;

type Long = { toString(): string };
interface PbValue {
  string_value?: string;
  bool_value?: boolean;
  int_value?: Long | number;
  double_value?: number;
  array_value?: { values?: PbValue[] };
  kvlist_value?: { values?: PbKeyValue[] };
  bytes_value?: Uint8Array;
  value?: string;
}
interface PbKeyValue {
  key?: string;
  value?: PbValue;
}
interface PbSpan {
  trace_id?: Uint8Array;
  span_id?: Uint8Array;
  parent_span_id?: Uint8Array;
  trace_state?: string;
  name?: string;
  kind?: number;
  start_time_unix_nano?: Long | number;
  end_time_unix_nano?: Long | number;
  attributes?: PbKeyValue[];
  events?: { time_unix_nano?: Long | number; name?: string; attributes?: PbKeyValue[] }[];
  links?: { trace_id?: Uint8Array; span_id?: Uint8Array; trace_state?: string; attributes?: PbKeyValue[] }[];
  status?: { code?: number; message?: string };
}
interface PbRequest {
  resource_spans?: {
    resource?: { attributes?: PbKeyValue[] };
    scope_spans?: { scope?: { name?: string; version?: string }; spans?: PbSpan[] }[];
  }[];
}

/** fixed64 fields decode as unsigned Longs; their decimal string is exact. */
function u64(v: Long | number | undefined): bigint {
  return v === undefined ? 0n : BigInt(v.toString());
}

function value(v: PbValue | undefined, depth: number): AnyValue {
  if (depth > MAX_DEPTH) throw new OtlpDecodeError(`attribute values nest deeper than ${MAX_DEPTH} levels`);
  switch (v?.value) {
    case 'string_value':
      return { kind: 'string', value: v.string_value ?? '' };
    case 'bool_value':
      return { kind: 'bool', value: v.bool_value ?? false };
    case 'int_value':
      return { kind: 'int', value: BigInt((v.int_value ?? 0).toString()) };
    case 'double_value':
      return { kind: 'double', value: v.double_value ?? 0 };
    case 'bytes_value':
      return { kind: 'bytes', value: v.bytes_value ?? new Uint8Array() };
    case 'array_value':
      return { kind: 'array', value: (v.array_value?.values ?? []).map((x) => value(x, depth + 1)) };
    case 'kvlist_value':
      return { kind: 'kvlist', value: attributes(v.kvlist_value?.values, depth + 1) };
    default:
      return { kind: 'empty' };
  }
}

function attributes(list: PbKeyValue[] | undefined, depth = 0): KeyValue[] {
  return (list ?? []).map((kv) => ({ key: kv.key ?? '', value: value(kv.value, depth) }));
}

export function decodeProtoTraceRequest(body: Buffer): TraceRequest {
  let message: PbRequest;
  try {
    // The decoded message is read as it is (oneof names, Longs, defaults on the prototype): a toObject copy cost
    // more than the decoding itself (14 vs 6 ms for 500 gateway spans).
    message = RequestType.decode(body) as unknown as PbRequest;
  } catch (error) {
    throw new OtlpDecodeError(`the body is not a valid ExportTraceServiceRequest (${error instanceof Error ? error.message : 'decode error'})`);
  }
  return {
    resourceSpans: (message.resource_spans ?? []).map((rs, i) => ({
      resource: { attributes: attributes(rs.resource?.attributes) },
      scopeSpans: (rs.scope_spans ?? []).map((ss, j) => ({
        scope: { name: ss.scope?.name ?? '', version: ss.scope?.version ?? '' },
        spans: (ss.spans ?? []).map((s, k) => {
          const where = `resource_spans[${i}].scope_spans[${j}].spans[${k}]`;
          return {
            traceId: bytesToHexId(s.trace_id ?? new Uint8Array(), 16, `${where}.trace_id`),
            spanId: bytesToHexId(s.span_id ?? new Uint8Array(), 8, `${where}.span_id`),
            parentSpanId: bytesToHexId(s.parent_span_id ?? new Uint8Array(), 8, `${where}.parent_span_id`),
            traceState: s.trace_state ?? '',
            name: s.name ?? '',
            kind: s.kind ?? 0,
            startTimeUnixNano: u64(s.start_time_unix_nano),
            endTimeUnixNano: u64(s.end_time_unix_nano),
            attributes: attributes(s.attributes),
            events: (s.events ?? []).map((e) => ({ timeUnixNano: u64(e.time_unix_nano), name: e.name ?? '', attributes: attributes(e.attributes) })),
            links: (s.links ?? []).map((l, n) => ({
              traceId: bytesToHexId(l.trace_id ?? new Uint8Array(), 16, `${where}.links[${n}].trace_id`),
              spanId: bytesToHexId(l.span_id ?? new Uint8Array(), 8, `${where}.links[${n}].span_id`),
              traceState: l.trace_state ?? '',
              attributes: attributes(l.attributes),
            })),
            status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
          };
        }),
      })),
    })),
  };
}

export function encodeProtoResponse(rejectedSpans: number, errorMessage: string): Buffer {
  const partial = rejectedSpans > 0 ? { partial_success: { rejected_spans: rejectedSpans, error_message: errorMessage } } : {};
  return Buffer.from(ResponseType.encode(ResponseType.fromObject(partial)).finish());
}

export function encodeProtoStatus(code: number, message: string): Buffer {
  return Buffer.from(RpcStatusType.encode(RpcStatusType.fromObject({ code, message })).finish());
}

/**
 * google.rpc.Status carrying a google.rpc.RetryInfo, as gRPC's `grpc-status-details-bin` trailer:
 * how OTLP/gRPC tells a sender how long to wait before retrying.
 */
export function encodeRetryStatus(code: number, message: string, retryAfterSeconds: number): Buffer {
  const retryInfo = RetryInfoType.encode(RetryInfoType.fromObject({ retry_delay: { seconds: retryAfterSeconds } })).finish();
  const status = RpcStatusType.fromObject({ code, message, details: [{ type_url: 'type.googleapis.com/google.rpc.RetryInfo', value: retryInfo }] });
  return Buffer.from(RpcStatusType.encode(status).finish());
}

/** OTLP trace data after decoding, independent of the wire format (JSON or protobuf). */

export type AnyValue =
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: bigint }
  | { kind: 'double'; value: number }
  | { kind: 'bytes'; value: Uint8Array }
  | { kind: 'array'; value: AnyValue[] }
  | { kind: 'kvlist'; value: KeyValue[] }
  | { kind: 'empty' };

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface SpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: KeyValue[];
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: KeyValue[];
}

export interface Span {
  /** Lower-case hex, '' when absent. */
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: KeyValue[];
  events: SpanEvent[];
  links: SpanLink[];
  status: { code: number; message: string };
}

export interface ScopeSpans {
  scope: { name: string; version: string };
  spans: Span[];
}

export interface ResourceSpans {
  resource: { attributes: KeyValue[] };
  scopeSpans: ScopeSpans[];
}

export interface TraceRequest {
  resourceSpans: ResourceSpans[];
}

/** A request that cannot be decoded at all; the receiver answers 400 and writes nothing. */
export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}

/**
 * OTLP/JSON (opentelemetry-proto docs/specification.md, "JSON Protobuf Encoding"):
 * lowerCamelCase keys (proto field names accepted too, as proto3 JSON parsers do),
 * hex trace/span ids, enums as integers, 64-bit integers as decimal strings (or numbers).
 * Unknown fields are ignored, as the spec requires of receivers.
 *
 * The request schema is checked by a single walk that builds the decoded model as it
 * goes: a generic schema library costs five times the JSON parse on large batches, and
 * this is the receiver's hot path. Every field is type-checked; the first problem is
 * reported with its path.
 */
import { normalizeHexId } from './ids.js';
import { OtlpDecodeError, type AnyValue, type KeyValue, type Span, type SpanEvent, type SpanLink, type TraceRequest } from './model.js';

const MAX_DEPTH = 32;

type Obj = Record<string, unknown>;

function fail(path: string, message: string): never {
  throw new OtlpDecodeError(`${path}: ${message}`);
}

/** Reads a field by its JSON name or its proto field name. */
function field(o: Obj, camel: string, snake?: string): unknown {
  const v = o[camel];
  return v !== undefined || snake === undefined ? v : o[snake];
}

function asObject(v: unknown, path: string): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) fail(path, 'expected an object');
  return v as Obj;
}

function asArray(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(path, 'expected an array');
  return v;
}

function asString(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') fail(path, 'expected a string');
  return v;
}

function asEnum(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, 'expected an integer enum value');
  return v;
}

const UINT64_TEXT = /^\d{1,20}$/;
const INT64_TEXT = /^-?\d{1,19}$/;
const U64_MAX = 18446744073709551615n;

function asUint64(v: unknown, path: string): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'string' && UINT64_TEXT.test(v)) {
    const n = BigInt(v);
    if (n <= U64_MAX) return n;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  return fail(path, 'must be an unsigned 64-bit integer (a decimal string)');
}

function asInt64(v: unknown, path: string): bigint {
  if (typeof v === 'string' && INT64_TEXT.test(v)) {
    const n = BigInt(v);
    if (n >= -9223372036854775808n && n <= 9223372036854775807n) return n;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  return fail(path, 'must be a 64-bit integer (a decimal string)');
}

function asDouble(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return fail(path, 'must be a number');
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function decodeValue(raw: unknown, path: string, depth: number): AnyValue {
  if (depth > MAX_DEPTH) fail(path, `attribute values nest deeper than ${MAX_DEPTH} levels`);
  const o = asObject(raw, path);
  if (!o) return { kind: 'empty' };
  let v: unknown;
  if ((v = field(o, 'stringValue', 'string_value')) !== undefined) return { kind: 'string', value: asString(v, `${path}.stringValue`) };
  if ((v = field(o, 'boolValue', 'bool_value')) !== undefined) {
    if (typeof v !== 'boolean') fail(`${path}.boolValue`, 'expected true or false');
    return { kind: 'bool', value: v };
  }
  if ((v = field(o, 'intValue', 'int_value')) !== undefined) return { kind: 'int', value: asInt64(v, `${path}.intValue`) };
  if ((v = field(o, 'doubleValue', 'double_value')) !== undefined) return { kind: 'double', value: asDouble(v, `${path}.doubleValue`) };
  if ((v = field(o, 'bytesValue', 'bytes_value')) !== undefined) {
    if (typeof v !== 'string' || !BASE64.test(v)) fail(`${path}.bytesValue`, 'must be base64');
    return { kind: 'bytes', value: Buffer.from(v, 'base64') };
  }
  if ((v = field(o, 'arrayValue', 'array_value')) !== undefined) {
    const arr = asObject(v, `${path}.arrayValue`);
    return { kind: 'array', value: asArray(arr?.values, `${path}.arrayValue.values`).map((x, i) => decodeValue(x, `${path}.arrayValue.values[${i}]`, depth + 1)) };
  }
  if ((v = field(o, 'kvlistValue', 'kvlist_value')) !== undefined) {
    const list = asObject(v, `${path}.kvlistValue`);
    return { kind: 'kvlist', value: decodeAttributes(list?.values, `${path}.kvlistValue.values`, depth + 1) };
  }
  return { kind: 'empty' };
}

function decodeAttributes(raw: unknown, path: string, depth = 0): KeyValue[] {
  return asArray(raw, path).map((item, i) => {
    const p = `${path}[${i}]`;
    const kv = asObject(item, p) ?? fail(p, 'expected an object');
    return { key: asString(kv.key, `${p}.key`), value: decodeValue(kv.value, `${p}.value`, depth) };
  });
}

function decodeEvent(raw: unknown, path: string): SpanEvent {
  const e = asObject(raw, path) ?? fail(path, 'expected an object');
  return {
    timeUnixNano: asUint64(field(e, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`),
    name: asString(e.name, `${path}.name`),
    attributes: decodeAttributes(e.attributes, `${path}.attributes`),
  };
}

function decodeLink(raw: unknown, path: string): SpanLink {
  const l = asObject(raw, path) ?? fail(path, 'expected an object');
  return {
    traceId: normalizeHexId(asString(field(l, 'traceId', 'trace_id'), `${path}.traceId`), 16, `${path}.traceId`),
    spanId: normalizeHexId(asString(field(l, 'spanId', 'span_id'), `${path}.spanId`), 8, `${path}.spanId`),
    traceState: asString(field(l, 'traceState', 'trace_state'), `${path}.traceState`),
    attributes: decodeAttributes(l.attributes, `${path}.attributes`),
  };
}

function decodeSpan(raw: unknown, path: string): Span {
  const s = asObject(raw, path) ?? fail(path, 'expected an object');
  const status = asObject(s.status, `${path}.status`);
  return {
    traceId: normalizeHexId(asString(field(s, 'traceId', 'trace_id'), `${path}.traceId`), 16, `${path}.traceId`),
    spanId: normalizeHexId(asString(field(s, 'spanId', 'span_id'), `${path}.spanId`), 8, `${path}.spanId`),
    parentSpanId: normalizeHexId(asString(field(s, 'parentSpanId', 'parent_span_id'), `${path}.parentSpanId`), 8, `${path}.parentSpanId`),
    traceState: asString(field(s, 'traceState', 'trace_state'), `${path}.traceState`),
    name: asString(s.name, `${path}.name`),
    kind: asEnum(s.kind, `${path}.kind`),
    startTimeUnixNano: asUint64(field(s, 'startTimeUnixNano', 'start_time_unix_nano'), `${path}.startTimeUnixNano`),
    endTimeUnixNano: asUint64(field(s, 'endTimeUnixNano', 'end_time_unix_nano'), `${path}.endTimeUnixNano`),
    attributes: decodeAttributes(s.attributes, `${path}.attributes`),
    events: asArray(s.events, `${path}.events`).map((e, i) => decodeEvent(e, `${path}.events[${i}]`)),
    links: asArray(s.links, `${path}.links`).map((l, i) => decodeLink(l, `${path}.links[${i}]`)),
    status: status ? { code: asEnum(status.code, `${path}.status.code`), message: asString(status.message, `${path}.status.message`) } : { code: 0, message: '' },
  };
}

/**
 * Senders may write 64-bit integers as bare JSON numbers (the spec's own example does);
 * above 2^53 JSON.parse would round them, so they are quoted before parsing. A key inside
 * a JSON string is preceded by an escaped quote and never matches.
 */
const BIG_INTEGER_FIELD = /("(?:startTimeUnixNano|endTimeUnixNano|timeUnixNano|intValue|start_time_unix_nano|end_time_unix_nano|time_unix_nano|int_value)"\s*:\s*)(-?\d{16,})/g;

export function decodeJsonTraceRequest(body: Buffer): TraceRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8').replace(BIG_INTEGER_FIELD, '$1"$2"'));
  } catch (error) {
    throw new OtlpDecodeError(`the body is not valid JSON (${error instanceof Error ? error.message : 'parse error'})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new OtlpDecodeError('the body must be a JSON object (an ExportTraceServiceRequest)');
  }
  const root = parsed as Obj;
  return {
    resourceSpans: asArray(field(root, 'resourceSpans', 'resource_spans'), 'resourceSpans').map((rsRaw, i) => {
      const rp = `resourceSpans[${i}]`;
      const rs = asObject(rsRaw, rp) ?? fail(rp, 'expected an object');
      const resource = asObject(rs.resource, `${rp}.resource`);
      return {
        resource: { attributes: decodeAttributes(resource?.attributes, `${rp}.resource.attributes`) },
        scopeSpans: asArray(field(rs, 'scopeSpans', 'scope_spans'), `${rp}.scopeSpans`).map((ssRaw, j) => {
          const sp = `${rp}.scopeSpans[${j}]`;
          const ss = asObject(ssRaw, sp) ?? fail(sp, 'expected an object');
          const scope = asObject(ss.scope, `${sp}.scope`);
          return {
            scope: { name: asString(scope?.name, `${sp}.scope.name`), version: asString(scope?.version, `${sp}.scope.version`) },
            spans: asArray(ss.spans, `${sp}.spans`).map((s, k) => decodeSpan(s, `${sp}.spans[${k}]`)),
          };
        }),
      };
    }),
  };
}

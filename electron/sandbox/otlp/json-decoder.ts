/**
 * OTLP/JSON (opentelemetry-proto docs/specification.md, "JSON Protobuf Encoding"):
 * lowerCamelCase keys (proto field names accepted too, as proto3 JSON parsers do),
 * hex trace/span ids, enums as integers, 64-bit integers as decimal strings (or numbers).
 * Unknown fields are ignored, as the spec requires of receivers.
 */
import { z } from 'zod';
import { normalizeHexId } from './ids.js';
import { OtlpDecodeError, type AnyValue, type KeyValue, type Span, type TraceRequest } from './model.js';

const MAX_DEPTH = 32;

const Int64 = z.union([z.string().regex(/^-?\d{1,20}$/, 'must be a decimal integer'), z.number().int()]);
const Uint64 = z.union([z.string().regex(/^\d{1,20}$/, 'must be an unsigned decimal integer'), z.number().int().nonnegative()]);
const Double = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);
const EnumInt = z.number().int();

type RawValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  bytesValue?: string;
  arrayValue?: { values?: RawValue[] };
  kvlistValue?: { values?: RawKeyValue[] };
};
type RawKeyValue = { key: string; value?: RawValue };

const RawValueSchema: z.ZodType<RawValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: Int64.optional(),
    doubleValue: Double.optional(),
    bytesValue: z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64').optional(),
    arrayValue: z.object({ values: z.array(RawValueSchema).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(RawKeyValueSchema).optional() }).optional(),
  }),
);
const RawKeyValueSchema: z.ZodType<RawKeyValue> = z.lazy(() => z.object({ key: z.string(), value: RawValueSchema.optional() }));

const Attributes = z.array(RawKeyValueSchema).optional();

const RawSpan = z.object({
  traceId: z.string().optional(),
  spanId: z.string().optional(),
  parentSpanId: z.string().optional(),
  traceState: z.string().optional(),
  name: z.string().optional(),
  kind: EnumInt.optional(),
  startTimeUnixNano: Uint64.optional(),
  endTimeUnixNano: Uint64.optional(),
  attributes: Attributes,
  events: z
    .array(z.object({ timeUnixNano: Uint64.optional(), name: z.string().optional(), attributes: Attributes }))
    .optional(),
  links: z
    .array(
      z.object({ traceId: z.string().optional(), spanId: z.string().optional(), traceState: z.string().optional(), attributes: Attributes }),
    )
    .optional(),
  status: z.object({ code: EnumInt.optional(), message: z.string().optional() }).optional(),
});

const RawRequest = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: Attributes }).optional(),
        scopeSpans: z
          .array(
            z.object({
              scope: z.object({ name: z.string().optional(), version: z.string().optional() }).optional(),
              spans: z.array(RawSpan).optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});

/** proto3 JSON parsers accept the original snake_case field names as well. */
function camelizeKeys(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH * 2 + 8) throw new OtlpDecodeError(`the request nests deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((v) => camelizeKeys(v, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '__proto__') continue;
    const camel = k.includes('_') ? k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : k;
    out[camel] = camelizeKeys(v, depth + 1);
  }
  return out;
}

function toBigInt(v: string | number | undefined): bigint {
  if (v === undefined) return 0n;
  return typeof v === 'number' ? BigInt(v) : BigInt(v);
}

function toDouble(v: number | string): number {
  if (typeof v === 'number') return v;
  return v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity;
}

function decodeValue(raw: RawValue | undefined, depth: number): AnyValue {
  if (depth > MAX_DEPTH) throw new OtlpDecodeError(`attribute values nest deeper than ${MAX_DEPTH} levels`);
  if (!raw) return { kind: 'empty' };
  if (raw.stringValue !== undefined) return { kind: 'string', value: raw.stringValue };
  if (raw.boolValue !== undefined) return { kind: 'bool', value: raw.boolValue };
  if (raw.intValue !== undefined) return { kind: 'int', value: toBigInt(raw.intValue) };
  if (raw.doubleValue !== undefined) return { kind: 'double', value: toDouble(raw.doubleValue) };
  if (raw.bytesValue !== undefined) return { kind: 'bytes', value: Buffer.from(raw.bytesValue, 'base64') };
  if (raw.arrayValue !== undefined) return { kind: 'array', value: (raw.arrayValue.values ?? []).map((v) => decodeValue(v, depth + 1)) };
  if (raw.kvlistValue !== undefined) return { kind: 'kvlist', value: decodeAttributes(raw.kvlistValue.values, depth + 1) };
  return { kind: 'empty' };
}

function decodeAttributes(raw: RawKeyValue[] | undefined, depth = 0): KeyValue[] {
  return (raw ?? []).map((kv) => ({ key: kv.key, value: decodeValue(kv.value, depth) }));
}

function decodeSpan(raw: z.infer<typeof RawSpan>, where: string): Span {
  return {
    traceId: normalizeHexId(raw.traceId ?? '', 16, `${where}.traceId`),
    spanId: normalizeHexId(raw.spanId ?? '', 8, `${where}.spanId`),
    parentSpanId: normalizeHexId(raw.parentSpanId ?? '', 8, `${where}.parentSpanId`),
    traceState: raw.traceState ?? '',
    name: raw.name ?? '',
    kind: raw.kind ?? 0,
    startTimeUnixNano: toBigInt(raw.startTimeUnixNano),
    endTimeUnixNano: toBigInt(raw.endTimeUnixNano),
    attributes: decodeAttributes(raw.attributes),
    events: (raw.events ?? []).map((e) => ({ timeUnixNano: toBigInt(e.timeUnixNano), name: e.name ?? '', attributes: decodeAttributes(e.attributes) })),
    links: (raw.links ?? []).map((l, i) => ({
      traceId: normalizeHexId(l.traceId ?? '', 16, `${where}.links[${i}].traceId`),
      spanId: normalizeHexId(l.spanId ?? '', 8, `${where}.links[${i}].spanId`),
      traceState: l.traceState ?? '',
      attributes: decodeAttributes(l.attributes),
    })),
    status: { code: raw.status?.code ?? 0, message: raw.status?.message ?? '' },
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
  const result = RawRequest.safeParse(camelizeKeys(parsed));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new OtlpDecodeError(`${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return {
    resourceSpans: (result.data.resourceSpans ?? []).map((rs, i) => ({
      resource: { attributes: decodeAttributes(rs.resource?.attributes) },
      scopeSpans: (rs.scopeSpans ?? []).map((ss, j) => ({
        scope: { name: ss.scope?.name ?? '', version: ss.scope?.version ?? '' },
        spans: (ss.spans ?? []).map((s, k) => decodeSpan(s, `resourceSpans[${i}].scopeSpans[${j}].spans[${k}]`)),
      })),
    })),
  };
}

/**
 * Spans to otel_traces rows, as the OpenTelemetry ClickHouse exporter writes them
 * (opentelemetry-collector-contrib exporter/clickhouseexporter, exporter_traces.go and
 * internal/util.go):
 * - Timestamp = span start; Duration = end - start in nanoseconds.
 * - TraceId/SpanId/ParentSpanId as lower-case hex, '' for an empty id (traceutil.*ToHexOrEmptyString).
 * - SpanKind via traceutil.SpanKindStr and StatusCode via traceutil.StatusCodeStr.
 * - ServiceName = resource attribute service.name (AsString), '' when missing.
 * - Attribute maps with values from pcommon.Value.AsString (see go-format.ts).
 * - ScopeName/ScopeVersion from the instrumentation scope; TraceState verbatim.
 * - Events and Links as parallel arrays.
 */
import { goJsonAttributes, valueAsString } from './go-format.js';
import { isAllZero } from './ids.js';
import type { KeyValue, Span, TraceRequest } from './model.js';

/** traceutil.SpanKindStr */
export const SPAN_KIND_NAMES = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'] as const;
/** traceutil.StatusCodeStr */
export const STATUS_CODE_NAMES = ['Unset', 'Ok', 'Error'] as const;

export interface TraceRow {
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Record<string, string>;
  Duration: string;
  StatusCode: string;
  StatusMessage: string;
  'Events.Timestamp': string[];
  'Events.Name': string[];
  'Events.Attributes': Record<string, string>[];
  'Links.TraceId': string[];
  'Links.SpanId': string[];
  'Links.TraceState': string[];
  'Links.Attributes': Record<string, string>[];
}

/** Nanoseconds since the epoch as a DateTime64(9) text literal in UTC. */
export function nanosToDateTime64(ns: bigint): string {
  const seconds = ns / 1_000_000_000n;
  const fraction = ns % 1_000_000_000n;
  const iso = new Date(Number(seconds) * 1000).toISOString(); // 2024-01-01T00:00:00.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${fraction.toString().padStart(9, '0')}`;
}

function attributeMap(list: KeyValue[]): Record<string, string> {
  // A Map column keyed by name: a repeated key keeps its last value.
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const kv of list) out[kv.key] = valueAsString(kv.value);
  return out;
}

/** Why a span cannot be stored, or null when it can. Whole-request problems are decode errors instead. */
export function spanProblem(span: Span): string | null {
  if (span.traceId === '' || isAllZero(span.traceId)) return 'a span has an empty or all-zero traceId';
  if (span.spanId === '' || isAllZero(span.spanId)) return 'a span has an empty or all-zero spanId';
  if (span.endTimeUnixNano < span.startTimeUnixNano) return 'a span ends before it starts';
  // DateTime64(9) holds dates up to 2262-04-11.
  if (span.startTimeUnixNano > 9_223_372_036_854_775_807n) return 'a span starts after the year 2262';
  return null;
}

/** A row's attribute lists as received, for layouts that store them typed (the exporter's JSON mode). */
export interface RowAttributes {
  span: KeyValue[];
  resource: KeyValue[];
  events: KeyValue[][];
  links: KeyValue[][];
}

export interface RowsResult {
  rows: TraceRow[];
  /** Parallel to rows. */
  attributes: RowAttributes[];
  rejected: number;
  firstProblem: string | null;
}

export function traceRequestToRows(request: TraceRequest): RowsResult {
  const rows: TraceRow[] = [];
  const attributes: RowAttributes[] = [];
  let rejected = 0;
  let firstProblem: string | null = null;
  for (const rs of request.resourceSpans) {
    const resourceAttributes = attributeMap(rs.resource.attributes);
    // pcommon.Map.Get returns the first entry with the key.
    const serviceKv = rs.resource.attributes.find((kv) => kv.key === 'service.name');
    const serviceName = serviceKv ? valueAsString(serviceKv.value) : '';
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const problem = spanProblem(span);
        if (problem) {
          rejected++;
          firstProblem ??= problem;
          continue;
        }
        rows.push({
          Timestamp: nanosToDateTime64(span.startTimeUnixNano),
          TraceId: span.traceId,
          SpanId: span.spanId,
          ParentSpanId: span.parentSpanId,
          TraceState: span.traceState,
          SpanName: span.name,
          SpanKind: SPAN_KIND_NAMES[span.kind] ?? '',
          ServiceName: serviceName,
          ResourceAttributes: resourceAttributes,
          ScopeName: ss.scope.name,
          ScopeVersion: ss.scope.version,
          SpanAttributes: attributeMap(span.attributes),
          Duration: (span.endTimeUnixNano - span.startTimeUnixNano).toString(),
          StatusCode: STATUS_CODE_NAMES[span.status.code] ?? '',
          StatusMessage: span.status.message,
          'Events.Timestamp': span.events.map((e) => nanosToDateTime64(e.timeUnixNano)),
          'Events.Name': span.events.map((e) => e.name),
          'Events.Attributes': span.events.map((e) => attributeMap(e.attributes)),
          'Links.TraceId': span.links.map((l) => l.traceId),
          'Links.SpanId': span.links.map((l) => l.spanId),
          'Links.TraceState': span.links.map((l) => l.traceState),
          'Links.Attributes': span.links.map((l) => attributeMap(l.attributes)),
        });
        attributes.push({ span: span.attributes, resource: rs.resource.attributes, events: span.events.map((e) => e.attributes), links: span.links.map((l) => l.attributes) });
      }
    }
  }
  return { rows, attributes, rejected, firstProblem };
}

/**
 * JSONEachRow text. With `jsonAttributes` (the exporter's JSON layout), the attribute columns
 * are written as that exporter writes them — typed JSON objects, spliced in as text so an int64
 * keeps every digit — with the key arrays it keeps beside each map.
 */
export function rowsToJsonEachRow(rows: TraceRow[], options: { jsonAttributes?: RowAttributes[] } = {}): Buffer {
  const typed = options.jsonAttributes;
  const line = typed
    ? (r: TraceRow, i: number) => {
        const a = typed[i]!;
        const { SpanAttributes, ResourceAttributes, 'Events.Attributes': _e, 'Links.Attributes': _l, ...plain } = r;
        const keys = { ResourceAttributesKeys: Object.keys(ResourceAttributes), SpanAttributesKeys: Object.keys(SpanAttributes) };
        const base = JSON.stringify({ ...plain, ...keys });
        return `${base.slice(0, -1)},"SpanAttributes":${goJsonAttributes(a.span)},"ResourceAttributes":${goJsonAttributes(a.resource)},"Events.Attributes":[${a.events.map(goJsonAttributes).join(',')}],"Links.Attributes":[${a.links.map(goJsonAttributes).join(',')}]}`;
      }
    : (r: TraceRow) => JSON.stringify(r);
  return Buffer.from(rows.map(line).join('\n') + '\n', 'utf8');
}

/**
 * A whole trace as `traces.get` carries it: one array per field, by span (the first
 * TRACE_SPAN_LIMIT by start), and the fields most spans leave empty only where a span has them.
 * An object per span with its keys cost more than the rest of opening a 10,000-span trace (the
 * keys were most of the bytes, and zod checked every field of every span on both sides of the
 * contract); a column is checked with one predicate. The page turns the columns into spans once.
 */
import { z } from 'zod';
import { SpanRow } from './span-row.js';
import { StrMap, TraceSpan, TRACE_SPAN_SPARSE, fullTraceSpan, type FullTraceSpan, type TraceSpanFacts } from './trace-queries-schema.js';

/** What a span without facts has for each of them ('' , null, false), as fullTraceSpan fills them. */
const EMPTY_FACTS = fullTraceSpan({ ts: '', tsNs: '', traceId: '', spanId: '', parentSpanId: '', service: '', name: '', kind: '', status: 'unset', durationNs: '', attributes: {}, resource: {}, llm: { spanType: '', input: '', output: '', errorMessage: '' }, events: [], links: [] });

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isStrMap = (v: unknown): v is Record<string, string> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  for (const k in v) if (typeof (v as Record<string, unknown>)[k] !== 'string') return false;
  return true;
};
const strings = z.custom<string[]>(isStrings, 'expected a column of strings');
const statuses = z.custom<SpanRow['status'][]>((v) => Array.isArray(v) && v.every((x) => x === 'ok' || x === 'error' || x === 'unset'), 'expected a column of ok, error or unset');
const maps = z.custom<Record<string, string>[]>((v) => Array.isArray(v) && v.every(isStrMap), 'expected a column of string maps');
const indexes = z.custom<number[]>((v) => Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0), 'expected a column of indexes');
/** Per span index (as the object's key), for the few spans that have the field; entries checked by schema, as there are few. */
const sparse = <T extends z.ZodType>(value: T) => z.record(z.string().regex(/^\d+$/), value);

const Facts = TraceSpan.shape.facts.unwrap();
const Llm = TraceSpan.shape.llm;
const Events = TraceSpan.shape.events;
const Links = TraceSpan.shape.links;

export const TraceColumns = z
  .object({
    traceId: z.string(),
    /** Spans the trace holds: more than the columns' length when the cap cut it. */
    traceSpans: z.number().int().nonnegative(),
    ts: strings,
    tsNs: strings,
    spanId: strings,
    parentSpanId: strings,
    service: strings,
    name: strings,
    kind: strings,
    status: statuses,
    durationNs: strings,
    /** Values cut to the trace's attribute cap (the LLM panel fetches a span's full input and output). */
    attributes: maps,
    /** Resources repeat across a service's spans: each distinct one once, and by span its index. */
    resources: z.array(StrMap),
    resourceOf: indexes,
    facts: sparse(Facts),
    llm: sparse(Llm),
    events: sparse(Events),
    links: sparse(Links),
  })
  .superRefine((t, ctx) => {
    const n = t.spanId.length;
    const columns = [t.ts, t.tsNs, t.parentSpanId, t.service, t.name, t.kind, t.status, t.durationNs, t.attributes, t.resourceOf];
    if (columns.some((c) => c.length !== n)) ctx.addIssue({ code: 'custom', message: 'the columns differ in length' });
    if (t.resourceOf.some((r) => r >= t.resources.length)) ctx.addIssue({ code: 'custom', message: 'a span names a resource that is not there' });
    for (const field of ['facts', 'llm', 'events', 'links'] as const) {
      if (Object.keys(t[field]).some((k) => Number(k) >= n)) ctx.addIssue({ code: 'custom', path: [field], message: 'an entry names a span that is not there' });
    }
  });
export type TraceColumns = z.infer<typeof TraceColumns>;

/** Spans empty of what `llm` says: the same object for all of them (read-only). */
const NO_LLM: TraceSpan['llm'] = Object.freeze({ spanType: '', input: '', output: '', errorMessage: '' });
const NONE: never[] = Object.freeze([]) as unknown as never[];

/**
 * Span i's own fields from the columns over `base`: one object literal of one shape for every span
 * (assigning the facts' defaults onto a built span instead doubled the page's work at 10,000 spans).
 */
function withSpanFields<B extends object>(base: B, t: TraceColumns, i: number): B & TraceSpan {
  return {
    ...base,
    ts: t.ts[i]!,
    tsNs: t.tsNs[i]!,
    traceId: t.traceId,
    spanId: t.spanId[i]!,
    parentSpanId: t.parentSpanId[i]!,
    service: t.service[i]!,
    name: t.name[i]!,
    kind: t.kind[i]!,
    status: t.status[i]!,
    durationNs: t.durationNs[i]!,
    attributes: t.attributes[i]!,
    resource: t.resources[t.resourceOf[i]!]!,
    llm: t.llm[i] ?? NO_LLM,
    events: t.events[i] ?? NONE,
    links: t.links[i] ?? NONE,
  };
}
const NO_BASE = Object.freeze({});

/** The spans in the per-span form of TraceSpan: `facts` only where there are some, `traceSpans` on the first when the cap cut the trace. */
export function traceSpansOf(t: TraceColumns): TraceSpan[] {
  const n = t.spanId.length;
  const out = new Array<TraceSpan>(n);
  for (let i = 0; i < n; i++) {
    const span: TraceSpan = withSpanFields(NO_BASE, t, i);
    const facts = t.facts[i];
    if (facts) span.facts = facts;
    out[i] = span;
  }
  if (n && t.traceSpans > n) out[0] = { ...out[0]!, traceSpans: t.traceSpans };
  return out;
}

/**
 * The spans with every field present, as the trace view and its panels read them: the empty
 * facts and the span's fields in one literal, its facts filled in place (spreading the defaults,
 * the facts and the rest into each span took seconds at 50,000 spans).
 */
export function fullSpansOf(t: TraceColumns): FullTraceSpan[] {
  const n = t.spanId.length;
  const out = new Array<FullTraceSpan>(n);
  for (let i = 0; i < n; i++) {
    const span: FullTraceSpan = withSpanFields(EMPTY_FACTS, t, i);
    const facts = t.facts[i];
    if (facts) Object.assign(span, facts);
    out[i] = span;
  }
  return out;
}

/** The sparse fields of a span row that are set ('' , null and false are not), or undefined when none is. */
const FACT_KEYS = [...TRACE_SPAN_SPARSE, 'traceState', 'scope'] as const;
export function setFacts(row: Partial<Record<(typeof FACT_KEYS)[number], unknown>>): TraceSpanFacts | undefined {
  let out: TraceSpanFacts | undefined;
  for (const k of FACT_KEYS) {
    const v = row[k];
    if (v !== '' && v !== null && v !== false && v !== undefined) (out ??= {})[k] = v as never;
  }
  return out;
}

/**
 * The spans a request's rollup (shared/request-row.ts) can take a value from: the roots, the
 * failed spans and those with facts. Every other span has no fact to give and is neither a root nor
 * a failure, so it changes only the span count; folding 50,000 spans to show the root's LLM panel
 * took ~0.2 s, most of it over spans like that. `full` is fullSpansOf(t).
 */
export function rollupSpansOf(t: TraceColumns, full: FullTraceSpan[]): FullTraceSpan[] {
  const out: FullTraceSpan[] = [];
  for (let i = 0; i < full.length; i++) if (t.parentSpanId[i] === '' || t.status[i] === 'error' || t.facts[i] !== undefined) out.push(full[i]!);
  return out;
}

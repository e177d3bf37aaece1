/**
 * A request: a trace's root with what its spans say, rolled up. Each fact's rule is named in
 * request-facts.ts; this file folds span rows by those rules (the live tail folds spans as they
 * land) and core/semantics/request-rollup-sql.ts writes the same rules as SQL (search and
 * summaries); a test holds the two equal on every table layout.
 */
import { z } from 'zod';
import { REQUEST_FACT_RULES, SPAN_FACT_KINDS, SPAN_TYPE, type RequestFactName, type RollupRule } from './request-facts.js';
import type { SpanRow } from './span-row.js';

type FactShape = { [K in RequestFactName]: (typeof SPAN_FACT_KINDS)[K] extends 'number' ? z.ZodNullable<z.ZodNumber> : z.ZodString };
const factShape = Object.fromEntries(Object.keys(REQUEST_FACT_RULES).map((name) => [name, SPAN_FACT_KINDS[name as RequestFactName] === 'number' ? z.number().nullable() : z.string()])) as FactShape;

export const RequestRow = z.object({
  traceId: z.string(),
  ts: z.string(),
  tsNs: z.string(),
  service: z.string(),
  /** The root span's name and gateway type (ChatCompletion, Embedding, MCP…). */
  name: z.string(),
  spanType: z.string(),
  status: z.enum(['ok', 'error', 'unset']),
  durationNs: z.string(),
  /** The model the caller asked for, and those actually called (fallbacks, retries). */
  model: z.string(),
  calledModels: z.array(z.string()),
  /** Which instrumentation's numbers these are (tfy, genai, openllmetry, openinference, mcp), '' when none. */
  dialect: z.string(),
  /** True when no span reported a cost and costUsd is the price catalog's estimate from the tokens. */
  costEstimated: z.boolean(),
  spanCount: z.number().int(),
  errorCount: z.number().int(),
  /** The deepest span that failed (a failed span none of whose children failed), and the error it gave. */
  failedSpan: z.string(),
  errorMessage: z.string(),
  guardrails: z.array(z.object({ name: z.string(), result: z.string() })),
  mcpErrors: z.number().int(),
  /** False while only child spans have landed (a streaming call's root is exported when it ends). */
  hasRoot: z.boolean(),
  ...factShape,
});
export type RequestRow = z.infer<typeof RequestRow>;

const MODEL = SPAN_TYPE.model;
const MCP = SPAN_TYPE.mcp;

/** Start order, ties broken by span id: the SQL rollup orders by (start, spanId) too. */
/** Nanosecond starts are decimal integers without leading zeros: the longer is later, else the text compares as the number (no BigInt per comparison). */
function compareNs(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function byStart(a: SpanRow, b: SpanRow): number {
  return compareNs(a.tsNs, b.tsNs) || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);
}

type NumberFact = { [K in RequestFactName]: (typeof SPAN_FACT_KINDS)[K] extends 'number' ? K : never }[RequestFactName];
type TextFact = Exclude<RequestFactName, NumberFact>;

/** The spans none of whose children is also in the list (the deepest failures). */
function leaves(list: SpanRow[]): SpanRow[] {
  const parents = new Set(list.map((s) => s.parentSpanId));
  return list.filter((s) => !parents.has(s.spanId));
}

/** Model spans' sum when any reports it; else the roots'; else every reporter's; null when none (one pass). */
function metric(spans: SpanRow[], m: NumberFact): number | null {
  let model: number | null = null;
  let root: number | null = null;
  let any: number | null = null;
  for (const s of spans) {
    const v = s[m];
    if (v === null) continue;
    if (s.spanType === MODEL) model = (model ?? 0) + v;
    if (s.parentSpanId === '') root = (root ?? 0) + v;
    any = (any ?? 0) + v;
  }
  return model ?? root ?? any;
}

/** The last Model span to start that reports it, else the first reporting root, else the first reporter (one pass). */
function answering(spans: SpanRow[], m: NumberFact): number | null {
  let model: number | null = null;
  let root: number | null = null;
  let any: number | null = null;
  for (const s of spans) {
    const v = s[m];
    if (v === null) continue;
    if (s.spanType === MODEL) model = v;
    else if (root === null && s.parentSpanId === '') root = v;
    if (any === null) any = v;
  }
  return model ?? root ?? any;
}

/** The first root's value that is not empty, else the first non-empty one in start order. */
function first(spans: SpanRow[], pick: (s: SpanRow) => string): string {
  const root = spans.find((s) => s.parentSpanId === '' && pick(s));
  if (root) return pick(root);
  for (const s of spans) if (pick(s)) return pick(s);
  return '';
}

/** The rules as a list, made once: a page folds hundreds of requests. */
const FACT_RULES = Object.entries(REQUEST_FACT_RULES) as [RequestFactName, RollupRule][];

function fold(rule: RollupRule, name: RequestFactName, spans: SpanRow[]): string | number | null {
  if (SPAN_FACT_KINDS[name] === 'number') {
    const m = name as NumberFact;
    if (rule === 'metric') return metric(spans, m);
    if (rule === 'answering') return answering(spans, m);
    throw new Error(`rule ${rule} does not apply to the number ${name}`);
  }
  const t = name as TextFact;
  if (rule === 'first') return first(spans, (s) => s[t]);
  if (rule === 'firstMcp') return spans.find((s) => s.spanType === MCP)?.[t] ?? '';
  throw new Error(`rule ${rule} does not apply to the text ${name}`);
}

/** The spans whose numbers counted, for the dialect they came from: as `metric` picks them for tokens. */
function numbersDialect(spans: SpanRow[]): string {
  const reports = (s: SpanRow) => s.inputTokens !== null || s.outputTokens !== null;
  const model = spans.find((s) => s.spanType === MODEL && reports(s));
  if (model) return model.dialect;
  const rootReporter = spans.find((s) => s.parentSpanId === '' && reports(s));
  if (rootReporter) return rootReporter.dialect;
  return spans.find(reports)?.dialect ?? first(spans, (s) => s.dialect);
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter(Boolean))];
}


export function rollupRequest(unsorted: SpanRow[]): RequestRow {
  const spans = [...unsorted].sort(byStart);
  const root = spans.find((s) => s.parentSpanId === '');
  const head = root ?? spans[0]!;
  const failed = spans.filter((s) => s.status === 'error');
  // The deepest failure: a failed span that is no failed span's parent, the earliest of those.
  const leaf = leaves(failed)[0];
  const called = unique(spans.filter((s) => s.spanType === MODEL).map((s) => s.calledModel));
  const calledModels = called.length ? called : unique(spans.filter((s) => s.parentSpanId !== '').map((s) => s.calledModel));
  // A rootless trace lasts from its first start to its last end.
  const rootless = () => String(spans.reduce((a, s) => (BigInt(s.tsNs) + BigInt(s.durationNs) > a ? BigInt(s.tsNs) + BigInt(s.durationNs) : a), 0n) - BigInt(head.tsNs));
  const facts = {} as Record<RequestFactName, string | number | null>;
  for (const [name, rule] of FACT_RULES) facts[name] = fold(rule, name, spans);
  // Into the facts' own object, not spread into a new one: the spread cost ~30 µs a request
  // (a page of 200 folded in 7.6 ms, now 0.8 ms; measured on Node 20).
  return Object.assign(facts as Pick<RequestRow, RequestFactName>, {
    traceId: head.traceId,
    ts: head.ts,
    tsNs: head.tsNs,
    service: head.service,
    name: head.name,
    spanType: head.spanType,
    status: (failed.length ? 'error' : root?.status === 'ok' ? 'ok' : 'unset') as RequestRow['status'],
    durationNs: root ? root.durationNs : rootless(),
    model: spans.find((s) => s.parentSpanId === '' && s.model)?.model || calledModels[0] || first(spans, (s) => s.model),
    calledModels,
    dialect: numbersDialect(spans),
    costEstimated: false,
    spanCount: spans.length,
    errorCount: failed.length,
    failedSpan: leaf?.name ?? '',
    errorMessage: leaf?.errorMessage || leaf?.statusMessage || first(spans, (s) => s.errorMessage) || (failed.find((s) => s.statusMessage)?.statusMessage ?? ''),
    guardrails: spans.filter((s) => s.spanType === SPAN_TYPE.guardrail).map((s) => ({ name: s.guardrail, result: s.guardrailResult })),
    mcpErrors: spans.filter((s) => s.spanType === MCP && (s.mcpError || s.status === 'error')).length,
    hasRoot: root !== undefined,
  });
}

/**
 * The request rollup in SQL: per trace, the rules of shared/request-facts.ts, as
 * rollupRequest() in shared/request-row.ts folds them (a test holds the two equal on every
 * layout). Each field is one aggregate over the trace's span rows, with the span columns it
 * reads; a query asks for the fields it needs (a summary needs a few, the requests view all),
 * so the engine reads no more than that.
 */
import type { TableLayout } from '../clickhouse/table-layout.js';
import { REQUEST_FACT_RULES, SPAN_FACT_KINDS, type RequestFactName, type RollupRule, type SpanFactName } from '../../shared/request-facts.js';
import { GUARDRAIL_SPAN_TYPE, MCP_SPAN_TYPE, MODEL_SPAN_TYPE } from './gateway-attributes.js';
import { ERROR_STATUS_SQL, OK_STATUS_SQL, reportsAnyFactSql, spanColumnMap } from './span-columns-sql.js';

const ROOT = "parentSpanId = ''";
const ERR = "status = 'error'";
const IS_MODEL = `spanType = '${MODEL_SPAN_TYPE}'`;
const IS_MCP = `spanType = '${MCP_SPAN_TYPE}'`;
/**
 * Spans in start order, ties broken by span id: the fold sorts the same way, so "first" and
 * "last" name the same span in both (millisecond exporters start many spans at once). One
 * UInt128 — the start's nanoseconds, then the span id's 64 bits — because argMin over a tuple
 * with a string costs half as much again on a summary of millions of spans (measured).
 */
const ORDER = 'ord';
const ORDERED = ['ord'];
const ORDER_SQL = 'bitOr(bitShiftLeft(toUInt128(toUnixTimestamp64Nano(Timestamp)), 64), toUInt128(reinterpretAsUInt64(reverse(unhex(SpanId)))))';

/**
 * Model spans' sum when any reports it; else the roots' sum; else the sum over whichever spans
 * report it; NULL when none. Which of the three has reporters is one bitmask per request, the
 * sums plain Float64s: a summary holds millions of requests' states at once and on 10 M spans its
 * time goes with their memory (three Nullable sums cost ~75 bytes a request per metric, an argMin
 * ~35 more, a -ArgMin state ~120; the mask and three sums ~32, measured).
 */
function metric(col: string): Aggregate {
  const mask = `groupBitOr(multiIf(isNull(${col}), 0, ${IS_MODEL}, 1, ${ROOT}, 2, 4))`;
  const sumOf = (cond: string) => `sumIf(assumeNotNull(${col}), ${cond}isNotNull(${col}))`;
  return {
    sql: `multiIf(bitTest(${mask}, 0), ${sumOf(`${IS_MODEL} AND `)}, bitTest(${mask}, 1), ${sumOf(`${ROOT} AND `)}, bitTest(${mask}, 2), ${sumOf('')}, NULL)`,
    reads: [col, 'spanType', 'parentSpanId'],
  };
}

/**
 * The first root's value that is not empty, else the first non-empty one in start order: one
 * state, ordered by `rootsFirst` (the start order with roots ahead of every other span).
 */
export function firstSql(col: string): string {
  return `argMinIf(${col}, rootsFirst, ${col} != '')`;
}
/** What firstSql reads besides the column. */
export const FIRST_READS = ['rootsFirst'];

/**
 * The model asked for: a root's, else the first model called (a Model span's, else a child
 * span's), else the first named — one state, ordered by class, then start (`shifted` puts the
 * class above the order's bits).
 */
function modelSql(order: string, shifted: (cls: string) => string): string {
  const cls = `multiIf(${ROOT} AND model != '', 0, ${IS_MODEL} AND calledModel != '', 1, NOT ${ROOT} AND calledModel != '', 2, 3)`;
  const pick = `if(${ROOT} AND model != '' OR calledModel = '' OR NOT (${IS_MODEL} OR NOT ${ROOT}), model, calledModel)`;
  return `argMinIf(${pick}, bitOr(${order}, ${shifted(cls)}), model != '' OR (calledModel != '' AND (${IS_MODEL} OR NOT ${ROOT})))`;
}

/** The root's value when the trace has its root, else the earliest span's. */
function head(col: string): string {
  return `if(r_hasRoot, argMinIf(${col}, ${ORDER}, ${ROOT}), argMin(${col}, ${ORDER}))`;
}

/** The value of the call that answered: the last Model span to start that reports it, else the root's, else the first reported. */
function answering(col: string): string {
  return `coalesce(argMaxIf(${col}, ${ORDER}, ${IS_MODEL} AND isNotNull(${col})), argMinIf(${col}, ${ORDER}, ${ROOT} AND isNotNull(${col})), argMinIf(${col}, ${ORDER}, isNotNull(${col})))`;
}

const RULE_SQL: Record<RollupRule, (col: string) => Aggregate> = {
  first: (col) => ({ sql: firstSql(col), reads: [col, ...FIRST_READS] }),
  metric,
  answering: (col) => ({ sql: answering(col), reads: [col, 'spanType', 'parentSpanId', ...ORDERED] }),
  firstMcp: (col) => ({ sql: `argMinIf(${col}, ${ORDER}, ${IS_MCP})`, reads: [col, 'spanType', ...ORDERED] }),
};

function factAggregates(): Record<string, Aggregate> {
  return Object.fromEntries(
    Object.entries(REQUEST_FACT_RULES).map(([name, rule]) => {
      if ((rule === 'metric' || rule === 'answering') !== (SPAN_FACT_KINDS[name as RequestFactName] === 'number')) throw new Error(`rule ${rule} does not fit ${name}`);
      return [name, RULE_SQL[rule](name)];
    }),
  );
}

const REPORTS_TOKENS = '(isNotNull(inputTokens) OR isNotNull(outputTokens))';

function calledIn(where: string): string {
  return `arrayDistinct(arrayMap(x -> x.2, arraySort(x -> x.1, groupArrayIf((ord, calledModel), ${where} AND calledModel != ''))))`;
}

/** The first model a call went to: a Model span's, else any child span's (= calledModels[1], without building the list). */
function firstCalledOr(fallback: string): string {
  return `multiIf(countIf(${IS_MODEL} AND calledModel != '') > 0, argMinIf(calledModel, ${ORDER}, ${IS_MODEL} AND calledModel != ''),
          countIf(NOT ${ROOT} AND calledModel != '') > 0, argMinIf(calledModel, ${ORDER}, NOT ${ROOT} AND calledModel != ''),
          ${fallback})`;
}

interface Aggregate {
  sql: string;
  /** Span columns it reads. */
  reads: string[];
  /** Other rollup fields it refers to (as r_<name>). */
  needs?: string[];
}

/**
 * Every RequestRow field. Outputs are named r_<field>: an alias equal to an inner column would be
 * substituted inside the aggregates that read that column.
 */
const AGGREGATES: Record<string, Aggregate> = {
  traceId: { sql: 'any(traceId)', reads: ['traceId'] },
  hasRoot: { sql: `countIf(${ROOT}) > 0`, reads: ['parentSpanId'] },
  ts: { sql: head('ts'), reads: ['ts', 'parentSpanId', ...ORDERED], needs: ['hasRoot'] },
  tsNs: { sql: `toString(if(r_hasRoot, minIf(tsNs64, ${ROOT}), min(tsNs64)))`, reads: ['tsNs64', 'parentSpanId'], needs: ['hasRoot'] },
  service: { sql: head('service'), reads: ['service', 'parentSpanId', ...ORDERED], needs: ['hasRoot'] },
  name: { sql: head('name'), reads: ['name', 'parentSpanId', ...ORDERED], needs: ['hasRoot'] },
  spanType: { sql: head('spanType'), reads: ['spanType', 'parentSpanId', ...ORDERED], needs: ['hasRoot'] },
  // The root's status as a number in the state: a string state costs ~100 bytes more per request (measured).
  status: { sql: `multiIf(countIf(${ERR}) > 0, 'error', argMinIf(status = 'ok', ${ORDER}, ${ROOT}), 'ok', 'unset')`, reads: ['status', 'parentSpanId', ...ORDERED] },
  durationNs: { sql: `toString(if(r_hasRoot, argMinIf(durationNs64, ${ORDER}, ${ROOT}), max(tsNs64 + durationNs64) - min(tsNs64)))`, reads: ['durationNs64', 'parentSpanId', ...ORDERED], needs: ['hasRoot'] },
  calledModelSpans: { sql: calledIn(IS_MODEL), reads: ['calledModel', 'spanType', ...ORDERED] },
  calledModels: { sql: `if(length(r_calledModelSpans) > 0, r_calledModelSpans, ${calledIn(`NOT ${ROOT}`)})`, reads: ['calledModel', 'parentSpanId', ...ORDERED], needs: ['calledModelSpans'] },
  model: { sql: modelSql(ORDER, (cls) => `bitShiftLeft(toUInt128(${cls}), 126)`), reads: ['model', 'calledModel', 'spanType', 'parentSpanId', ...ORDERED] },
  // The model an estimate prices: the one called first, else the one asked for (shared/price-schema.ts pricedModel).
  pricedModel: { sql: firstCalledOr('r_model'), reads: ['calledModel', 'spanType', 'parentSpanId', ...ORDERED], needs: ['model'] },
  ...factAggregates(),
  // As `metric` picks the spans whose tokens count: a reporting Model span's, the first reporting root's, the first reporter's; else the first dialect named.
  dialect: {
    sql: `multiIf(countIf(${IS_MODEL} AND ${REPORTS_TOKENS}) > 0, argMinIf(dialect, ${ORDER}, ${IS_MODEL} AND ${REPORTS_TOKENS}),
          countIf(${ROOT} AND ${REPORTS_TOKENS}) > 0, argMinIf(dialect, ${ORDER}, ${ROOT} AND ${REPORTS_TOKENS}),
          countIf(${REPORTS_TOKENS}) > 0, argMinIf(dialect, ${ORDER}, ${REPORTS_TOKENS}), ${firstSql('dialect')})`,
    reads: ['dialect', 'spanType', 'parentSpanId', 'inputTokens', 'outputTokens', ...ORDERED, ...FIRST_READS],
  },
  // Estimates are added after the query, from the price catalog (core/semantics/price-catalog.ts).
  costEstimated: { sql: 'false', reads: [] },
  spanCount: { sql: 'count()', reads: [] },
  errorCount: { sql: `countIf(${ERR})`, reads: ['status'] },
  // The failed spans in start order as (start, spanId, name, statusMessage, errorMessage); a leaf is no failed span's parent.
  failedLeaf: {
    sql: `arrayFirst(x -> NOT has(groupArrayIf(parentSpanId, ${ERR}), x.2), arraySort(x -> x.1, groupArrayIf((ord, spanId, name, statusMessage, errorMessage), ${ERR})))`,
    reads: ['ord', 'spanId', 'parentSpanId', 'name', 'statusMessage', 'errorMessage', 'status'],
  },
  failedSpan: { sql: `if(r_errorCount > 0, r_failedLeaf.3, '')`, reads: [], needs: ['errorCount', 'failedLeaf'] },
  // The failing hop's own message first, then its status message, then the request's, then any failed span's.
  errorMessage: {
    sql: `multiIf(r_errorCount > 0 AND r_failedLeaf.5 != '', r_failedLeaf.5, r_errorCount > 0 AND r_failedLeaf.4 != '', r_failedLeaf.4,
          ${firstSql('errorMessage')} != '', ${firstSql('errorMessage')}, argMinIf(statusMessage, ${ORDER}, ${ERR} AND statusMessage != ''))`,
    reads: ['errorMessage', 'statusMessage', 'parentSpanId', 'status', ...ORDERED, ...FIRST_READS],
    needs: ['errorCount', 'failedLeaf'],
  },
  guardrails: {
    sql: `arrayMap(x -> (x.2, x.3), arraySort(x -> x.1, groupArrayIf((ord, guardrail, guardrailResult), spanType = '${GUARDRAIL_SPAN_TYPE}')))`,
    reads: ['guardrail', 'guardrailResult', 'spanType', ...ORDERED],
  },
  mcpErrors: { sql: `countIf(${IS_MCP} AND (mcpError OR ${ERR}))`, reads: ['spanType', 'mcpError', 'status'] },
};

/**
 * Start order as a UInt64 (nanoseconds since 1970, below 2^62 until 2116), for the start-only order
 * (`tieBreak: false`). Leaves the two top bits free for a priority, so a rule that picks among
 * span classes ("the last Model span, else the first root, else the first span") is one argMin
 * state instead of one per class: a summary holds millions of requests' states at once, and its
 * time goes with their memory (on 10 M spans the peak fell from 5.8 to 2.9 GB with these, the
 * single-state rules above and the metrics' masks, measured).
 */
const ORDER_U = 'ordU';
const ORDER_U_SQL = 'toUInt64(greatest(toUnixTimestamp64Nano(Timestamp), 0))';
const TOP = '4611686018427387904'; // 2^62
const TOP2 = '9223372036854775808'; // 2^63

/**
 * The compact rollup's start and duration (ns) as numbers, for a caller's own per-request
 * expressions (`select`, `having`): the same aggregates as its tsNs and durationNs fields, so the
 * engine keeps one state for both.
 */
export const COMPACT_START_NS_SQL = `minIf(tsNs64, ${ROOT})`;
export const COMPACT_DURATION_NS_SQL = `argMinIf(durationNs64, ${ORDER_U}, ${ROOT})`;
/** The span columns those two read (a caller passes them as its extra reads). */
export const COMPACT_TIMES_READS = ['tsNs64', 'durationNs64', 'parentSpanId', ORDER_U];

/** The same rules with fewer states, for the start-only order (the fold's tie-break by span id is not kept). */
function compactAggregates(): Record<string, Aggregate> {
  const reads = ['spanType', 'parentSpanId', ORDER_U];
  // The first model called: a Model span's, else a child span's, in start order.
  const called = `argMinIf(calledModel, ${ORDER_U} + if(${IS_MODEL}, toUInt64(0), toUInt64(${TOP})), calledModel != '' AND (${IS_MODEL} OR NOT ${ROOT}))`;
  const out: Record<string, Aggregate> = {
    // Every request rolled up has its root (rollups keep only those: HAVING r_hasRoot), so no state for a rootless one's start and end.
    tsNs: { sql: `toString(${COMPACT_START_NS_SQL})`, reads: ['tsNs64', 'parentSpanId'] },
    durationNs: { sql: `toString(${COMPACT_DURATION_NS_SQL})`, reads: ['durationNs64', 'parentSpanId', ORDER_U] },
    status: { sql: `multiIf(countIf(${ERR}) > 0, 'error', argMinIf(status = 'ok', ${ORDER_U}, ${ROOT}), 'ok', 'unset')`, reads: ['status', 'parentSpanId', ORDER_U] },
    model: { sql: modelSql(ORDER_U, (cls) => `bitShiftLeft(toUInt64(${cls}), 62)`), reads: ['model', 'calledModel', ...reads] },
    pricedModel: { sql: `if(${called} != '', ${called}, r_model)`, reads: ['calledModel', ...reads], needs: ['model'] },
  };
  for (const [name, rule] of Object.entries(REQUEST_FACT_RULES)) {
    // answering: the last Model span to start, else the first root, else the first span, among those reporting it.
    if (rule === 'answering')
      out[name] = { sql: `argMinIf(${name}, multiIf(${IS_MODEL}, toUInt64(${TOP} - ${ORDER_U}), ${ROOT}, toUInt64(${TOP}) + ${ORDER_U}, toUInt64(${TOP2}) + ${ORDER_U}), isNotNull(${name}))`, reads: [name, ...reads] };
  }
  return out;
}
const COMPACT = compactAggregates();

/** Helper aggregates that are no RequestRow field. */
const INTERNAL = new Set(['calledModelSpans', 'failedLeaf', 'pricedModel']);
export const ALL_REQUEST_FIELDS = Object.keys(AGGREGATES).filter((f) => !INTERNAL.has(f));

/** The rollup's per-span inputs beyond the span-row map: a numeric start and duration, the order, and ok/error/unset. */
function extraColumns(tieBreak: boolean): Record<string, string> {
  return {
    tsNs64: 'toUnixTimestamp64Nano(Timestamp)',
    ord: tieBreak ? ORDER_SQL : 'toUnixTimestamp64Nano(Timestamp)',
    [ORDER_U]: ORDER_U_SQL,
    // The order with roots first: a bit above the start's bits (bit 127 of the UInt128 order, bit 62 of the UInt64 one), clear for roots.
    rootsFirst: tieBreak
      ? `bitOr(${ORDER_SQL}, if(ParentSpanId = '', toUInt128(0), bitShiftLeft(toUInt128(1), 127)))`
      : `bitOr(${ORDER_U_SQL}, if(ParentSpanId = '', toUInt64(0), toUInt64(${TOP})))`,
    durationNs64: 'Duration',
    status: `multiIf(${ERROR_STATUS_SQL}, 'error', ${OK_STATUS_SQL}, 'ok', 'unset')`,
  };
}

export interface RollupSql {
  /** The per-span SELECT list over the table (traceId always included, for the GROUP BY). */
  spanColumns: string;
  /** The per-trace SELECT list over those rows (GROUP BY traceId). */
  aggregates: string;
  /**
   * The spans that can change these fields — roots, failures and any span reporting one of the
   * facts read — or '1' when a field counts every span, as a WHERE over the table that reads only
   * cheap columns (ParentSpanId, StatusCode, the map's keys): ClickHouse moves it to PREWHERE, so
   * the attribute values of the spans that report nothing (a gateway's Network Call and Guardrail
   * spans) are never read. A summary aggregates only these.
   */
  prefilter: string;
  /** What GROUP BY groups on: the trace id as a UInt128 (a fixed-size hash key: a third faster than the 32-character string on 2 M requests, measured) or as text. */
  groupKey: string;
}

/** A trace's id as 128 bits: OTel trace ids are 32 hex digits; anything else is hashed to the same width. */
const TRACE_KEY_SQL = 'if(length(TraceId) = 32, reinterpretAsUInt128(unhex(TraceId)), reinterpretAsUInt128(sipHash128(TraceId)))';

/**
 * Fields that count every span of a trace: with them every span contributes. The rest read the
 * root, failures, Model spans or reporters — for the requests every caller keeps (HAVING r_hasRoot:
 * a rooted request's duration is its root's).
 */
const EVERY_SPAN = new Set(['spanCount']);

/**
 * The SQL for some fields of the rollup, with every field they depend on, in dependency order.
 *
 * `tieBreak: false` orders spans by their start alone (a 64-bit order instead of the 128-bit one
 * with the span id): among spans that start in the same nanosecond the SQL may then pick another
 * than the fold does (which root, which Model span answered). Summaries take it (on 10 M spans the
 * 128-bit order cost 2–5 s of ~12, measured) together with the compact aggregates, which assume
 * every request kept has its root: the caller must keep only those (HAVING r_hasRoot, as
 * request-queries.ts rollupSql does). The requests view, whose rows the live tail's fold must
 * equal, keeps the exact order. `extraReads`: span columns a caller's own aggregates read.
 */
export function requestRollupSql(layout: TableLayout, fields: readonly string[] = ALL_REQUEST_FIELDS, opts: { tieBreak?: boolean; compactKey?: boolean; extraReads?: readonly string[] } = {}): RollupSql {
  const aggregates = opts.tieBreak === false ? { ...AGGREGATES, ...COMPACT } : AGGREGATES;
  const ordered: string[] = [];
  const visit = (f: string) => {
    if (ordered.includes(f)) return;
    const agg = aggregates[f];
    if (!agg) throw new Error(`no rollup field ${f}`);
    for (const n of agg.needs ?? []) visit(n);
    ordered.push(f);
  };
  for (const f of ['hasRoot', ...fields]) visit(f);
  const reads = new Set(['traceId', ...ordered.flatMap((f) => aggregates[f]!.reads), ...(opts.extraReads ?? [])]);
  const columns = { ...spanColumnMap(layout), ...extraColumns(opts.tieBreak ?? true) };
  const facts = [...reads].filter((c): c is SpanFactName => c in SPAN_FACT_KINDS);
  const everySpan = ordered.some((f) => EVERY_SPAN.has(f));
  // A span's type alone changes nothing: IS_MODEL only selects among spans that report a fact read.
  const reported = facts.filter((f) => f !== 'spanType');
  const prefilter = everySpan ? '1' : `(ParentSpanId = '' OR ${reads.has('status') ? `${ERROR_STATUS_SQL} OR ` : ''}${reportsAnyFactSql(layout, reported)})`;
  const key = opts.compactKey ? { traceKey: TRACE_KEY_SQL } : {};
  return {
    prefilter,
    groupKey: opts.compactKey ? 'traceKey' : 'traceId',
    spanColumns: [...[...reads].map((c) => `${columns[c]!} AS ${c}`), ...Object.entries(key).map(([n, sql]) => `${sql} AS ${n}`)].join(', '),
    aggregates: ordered.map((f) => `${aggregates[f]!.sql} AS r_${f}`).join(',\n  '),
  };
}

/** Turns an r_-prefixed rollup row from ClickHouse's JSON into a RequestRow's fields. */
export function fromRollupRow(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (k.startsWith('r_')) out[k.slice(2)] = v;
  out.hasRoot = Boolean(out.hasRoot);
  out.guardrails = Array.isArray(out.guardrails) ? (out.guardrails as unknown[]).map((p) => (Array.isArray(p) ? { name: String(p[0] ?? ''), result: String(p[1] ?? '') } : p)) : [];
  out.costEstimated = Boolean(out.costEstimated);
  for (const k of ['spanCount', 'errorCount', 'mcpErrors']) out[k] = Number(out[k]);
  for (const [k, kind] of Object.entries(SPAN_FACT_KINDS)) if (kind === 'number' && k in out) out[k] = out[k] === null || out[k] === undefined ? null : Number(out[k]);
  for (const k of INTERNAL) delete out[k];
  return out;
}

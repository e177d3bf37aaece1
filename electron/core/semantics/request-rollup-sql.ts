/**
 * The request rollup in SQL: per trace, the rules of shared/request-facts.ts, as
 * rollupRequest() in shared/request-row.ts folds them (a test holds the two equal on every
 * layout). Each field is one aggregate over the trace's span rows, with the span columns it
 * reads; a query asks for the fields it needs (a summary needs a few, the requests view all),
 * so the engine reads no more than that.
 */
import type { TableLayout } from '../clickhouse/table-layout.js';
import { REQUEST_FACT_RULES, SPAN_FACT_KINDS, type RequestFactName, type RollupRule } from '../../shared/request-facts.js';
import { GUARDRAIL_SPAN_TYPE, MCP_SPAN_TYPE, MODEL_SPAN_TYPE } from './gateway-attributes.js';
import { ERROR_STATUS_SQL, OK_STATUS_SQL, spanColumnMap } from './span-columns-sql.js';

const ROOT = "parentSpanId = ''";
const ERR = "status = 'error'";
const IS_MODEL = `spanType = '${MODEL_SPAN_TYPE}'`;
const IS_MCP = `spanType = '${MCP_SPAN_TYPE}'`;

/** Model spans' sum when any reports it; else the root's value; else the sum over reporters; NULL when none. */
function metric(col: string): string {
  return `if(countIf(${IS_MODEL} AND isNotNull(${col})) > 0, sumIf(${col}, ${IS_MODEL}),
       if(countIf(${ROOT} AND isNotNull(${col})) > 0, anyIf(${col}, ${ROOT} AND isNotNull(${col})),
       if(countIf(isNotNull(${col})) > 0, sum(${col}), NULL)))`;
}

/** The root's value, else the first non-empty one in start order. */
function first(col: string): string {
  return `if(anyIf(${col}, ${ROOT}) != '', anyIf(${col}, ${ROOT}), argMinIf(${col}, tsNs64, ${col} != ''))`;
}

/** The root's value when the trace has its root, else the earliest span's. */
function head(col: string): string {
  return `if(r_hasRoot, argMinIf(${col}, tsNs64, ${ROOT}), argMin(${col}, tsNs64))`;
}

/** The value of the call that answered: the last Model span to start that reports it, else the root's, else the first reported. */
function answering(col: string): string {
  return `multiIf(countIf(${IS_MODEL} AND isNotNull(${col})) > 0, argMaxIf(${col}, tsNs64, ${IS_MODEL} AND isNotNull(${col})),
          countIf(${ROOT} AND isNotNull(${col})) > 0, anyIf(${col}, ${ROOT} AND isNotNull(${col})),
          argMinIf(${col}, tsNs64, isNotNull(${col})))`;
}

const RULE_SQL: Record<RollupRule, (col: string) => Aggregate> = {
  first: (col) => ({ sql: first(col), reads: [col, 'parentSpanId', 'tsNs64'] }),
  metric: (col) => ({ sql: metric(col), reads: [col, 'spanType', 'parentSpanId'] }),
  answering: (col) => ({ sql: answering(col), reads: [col, 'spanType', 'parentSpanId', 'tsNs64'] }),
  firstMcp: (col) => ({ sql: `argMinIf(${col}, tsNs64, ${IS_MCP})`, reads: [col, 'tsNs64', 'spanType'] }),
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
  return `arrayDistinct(arrayMap(x -> x.2, arraySort(x -> x.1, groupArrayIf((tsNs64, calledModel), ${where} AND calledModel != ''))))`;
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
  ts: { sql: head('ts'), reads: ['ts', 'tsNs64', 'parentSpanId'], needs: ['hasRoot'] },
  tsNs: { sql: `toString(if(r_hasRoot, minIf(tsNs64, ${ROOT}), min(tsNs64)))`, reads: ['tsNs64', 'parentSpanId'], needs: ['hasRoot'] },
  service: { sql: head('service'), reads: ['service', 'tsNs64', 'parentSpanId'], needs: ['hasRoot'] },
  name: { sql: head('name'), reads: ['name', 'tsNs64', 'parentSpanId'], needs: ['hasRoot'] },
  spanType: { sql: head('spanType'), reads: ['spanType', 'tsNs64', 'parentSpanId'], needs: ['hasRoot'] },
  status: { sql: `multiIf(countIf(${ERR}) > 0, 'error', anyIf(status, ${ROOT}) = 'ok', 'ok', 'unset')`, reads: ['status', 'parentSpanId'] },
  durationNs: { sql: `toString(if(r_hasRoot, anyIf(durationNs64, ${ROOT}), max(tsNs64 + durationNs64) - min(tsNs64)))`, reads: ['durationNs64', 'tsNs64', 'parentSpanId'], needs: ['hasRoot'] },
  calledModelSpans: { sql: calledIn(IS_MODEL), reads: ['tsNs64', 'calledModel', 'spanType'] },
  calledModels: { sql: `if(length(r_calledModelSpans) > 0, r_calledModelSpans, ${calledIn(`NOT ${ROOT}`)})`, reads: ['tsNs64', 'calledModel', 'parentSpanId'], needs: ['calledModelSpans'] },
  // = calledModels[1] when the root names none, without building the list (a summary reads millions of these).
  model: {
    sql: `multiIf(anyIf(model, ${ROOT}) != '', anyIf(model, ${ROOT}),
          countIf(${IS_MODEL} AND calledModel != '') > 0, argMinIf(calledModel, tsNs64, ${IS_MODEL} AND calledModel != ''),
          countIf(NOT ${ROOT} AND calledModel != '') > 0, argMinIf(calledModel, tsNs64, NOT ${ROOT} AND calledModel != ''),
          argMinIf(model, tsNs64, model != ''))`,
    reads: ['model', 'calledModel', 'spanType', 'parentSpanId', 'tsNs64'],
  },
  ...factAggregates(),
  // As `metric` picks the spans whose tokens count: a reporting Model span's, the root's, the first reporter's; else the first dialect named.
  dialect: {
    sql: `multiIf(countIf(${IS_MODEL} AND ${REPORTS_TOKENS}) > 0, argMinIf(dialect, tsNs64, ${IS_MODEL} AND ${REPORTS_TOKENS}),
          countIf(${ROOT} AND ${REPORTS_TOKENS}) > 0, anyIf(dialect, ${ROOT} AND ${REPORTS_TOKENS}),
          countIf(${REPORTS_TOKENS}) > 0, argMinIf(dialect, tsNs64, ${REPORTS_TOKENS}), ${first('dialect')})`,
    reads: ['dialect', 'spanType', 'parentSpanId', 'tsNs64', 'inputTokens', 'outputTokens'],
  },
  // Estimates are added after the query, from the price catalog (core/semantics/price-catalog.ts).
  costEstimated: { sql: 'false', reads: [] },
  spanCount: { sql: 'count()', reads: [] },
  errorCount: { sql: `countIf(${ERR})`, reads: ['status'] },
  // The failed spans in start order as (start, spanId, name, statusMessage), and their parents: a leaf is no failed span's parent.
  failedLeaf: {
    sql: `arrayFirst(x -> NOT has(groupArrayIf(parentSpanId, ${ERR}), x.2), arraySort(x -> x.1, groupArrayIf((tsNs64, spanId, name, statusMessage), ${ERR})))`,
    reads: ['tsNs64', 'spanId', 'parentSpanId', 'name', 'statusMessage', 'status'],
  },
  failedSpan: { sql: `if(r_errorCount > 0, r_failedLeaf.3, '')`, reads: [], needs: ['errorCount', 'failedLeaf'] },
  errorMessage: {
    sql: `multiIf(${first('errorMessage')} != '', ${first('errorMessage')}, r_errorCount > 0 AND r_failedLeaf.4 != '', r_failedLeaf.4, ifNull(argMinIf(statusMessage, tsNs64, ${ERR} AND statusMessage != ''), ''))`,
    reads: ['errorMessage', 'statusMessage', 'parentSpanId', 'tsNs64', 'status'],
    needs: ['errorCount', 'failedLeaf'],
  },
  guardrails: { sql: `arrayMap(x -> (x.2, x.3), arraySort(x -> x.1, groupArrayIf((tsNs64, guardrail, guardrailResult), spanType = '${GUARDRAIL_SPAN_TYPE}')))`, reads: ['tsNs64', 'guardrail', 'guardrailResult', 'spanType'] },
  mcpErrors: { sql: `countIf(${IS_MCP} AND (mcpError OR ${ERR}))`, reads: ['spanType', 'mcpError', 'status'] },
};

/** Helper aggregates that are no RequestRow field. */
const INTERNAL = new Set(['calledModelSpans', 'failedLeaf']);
export const ALL_REQUEST_FIELDS = Object.keys(AGGREGATES).filter((f) => !INTERNAL.has(f));

/** The rollup's per-span inputs beyond the span-row map: a numeric start and duration, and ok/error/unset. */
function extraColumns(): Record<string, string> {
  return {
    tsNs64: 'toUnixTimestamp64Nano(Timestamp)',
    durationNs64: 'Duration',
    status: `multiIf(${ERROR_STATUS_SQL}, 'error', ${OK_STATUS_SQL}, 'ok', 'unset')`,
  };
}

export interface RollupSql {
  /** The per-span SELECT list over the table (traceId always included, for the GROUP BY). */
  spanColumns: string;
  /** The per-trace SELECT list over those rows (GROUP BY traceId). */
  aggregates: string;
}

/** The SQL for some fields of the rollup, with every field they depend on, in dependency order. */
export function requestRollupSql(layout: TableLayout, fields: readonly string[] = ALL_REQUEST_FIELDS): RollupSql {
  const ordered: string[] = [];
  const visit = (f: string) => {
    if (ordered.includes(f)) return;
    const agg = AGGREGATES[f];
    if (!agg) throw new Error(`no rollup field ${f}`);
    for (const n of agg.needs ?? []) visit(n);
    ordered.push(f);
  };
  for (const f of ['hasRoot', ...fields]) visit(f);
  const reads = new Set(['traceId', ...ordered.flatMap((f) => AGGREGATES[f]!.reads)]);
  const columns = { ...spanColumnMap(layout), ...extraColumns() };
  return {
    spanColumns: [...reads].map((c) => `${columns[c]!} AS ${c}`).join(', '),
    aggregates: ordered.map((f) => `${AGGREGATES[f]!.sql} AS r_${f}`).join(',\n  '),
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

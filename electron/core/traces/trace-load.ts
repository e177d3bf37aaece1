/**
 * One trace, whole, as the waterfall opens it (shared/trace-columns.ts): the first
 * TRACE_SPAN_LIMIT spans by start in one query answered as one row of column arrays, then the
 * gateway's facts in a second query only for the spans that carry a key a fact is read from.
 * The facts' SQL is most of the engine's work on a trace (about 60 ms to plan even for 10 spans,
 * and its per-span evaluation several times the plain columns' read at 10,000), and most spans of
 * a wide trace — tool calls, steps — carry none of those keys. All values are parameters.
 */
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import type { TracesLocation } from '../clickhouse/server.js';
import { withTracesTable, type TracesTable } from '../clickhouse/traces-table.js';
import { flattenJsonAttributes } from '../clickhouse/json-attributes.js';
import { BadInputError } from '../errors.js';
import { anyKeyPresentSql, attributeMapSql, attributeMapsSql, reportsAnyFactSql, spanColumnsSql } from '../semantics/span-columns-sql.js';
import { FACT_ATTRIBUTE_KEYS, FACT_EVENTS, INPUT_MESSAGES, MARKER_KEYS, OUTPUT_MESSAGES, SPAN_FACTS, SYSTEM_INSTRUCTIONS_KEY } from '../semantics/span-facts.js';
import { llmFields } from '../semantics/span-fields.js';
import { SPAN_FACT_KINDS, SPAN_FACT_NAMES } from '../../shared/request-facts.js';
import { setFacts, traceSpansOf, type TraceColumns } from '../../shared/trace-columns.js';
import type { TraceSpan } from '../../shared/trace-queries-schema.js';
import { SqlParams } from '../search/sql-params.js';
import { fromTable, inTraceWindows, timeWhere, TRACE_ATTRIBUTE_CAP, TRACE_SPAN_LIMIT } from './trace-queries.js';

type Window = { fromMs: number; toMs: number };
type StrMapValue = Record<string, string>;

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isMap = (v: unknown): v is StrMapValue | string => {
  if (typeof v === 'string') return true;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  for (const k in v) if (typeof (v as Record<string, unknown>)[k] !== 'string') return false;
  return true;
};
const stringColumn = z.custom<string[]>(isStrings, 'expected a column of strings');
const listsColumn = z.custom<string[][]>((v) => Array.isArray(v) && v.every(isStrings), 'expected a column of string arrays');
/** An attribute map as the server sends it: a Map (JSON object), or the JSON layout's toJSONString text. */
const mapColumn = z.custom<(StrMapValue | string)[]>((v) => Array.isArray(v) && v.every(isMap), 'expected a column of attribute maps');
const indexColumn = z.custom<number[]>((v) => Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 1), 'expected a column of positions');
const mapsColumn = z.custom<(StrMapValue | string)[][]>((v) => Array.isArray(v) && v.every((x) => Array.isArray(x) && x.every(isMap)), 'expected a column of attribute map arrays');

/** The spans' plain columns: one predicate per column (a zod pass per value cost ~0.5 s at 50,000 spans). */
const SpanColumns = z.object({
  ts: stringColumn,
  tsNs: stringColumn,
  spanId: stringColumn,
  parentSpanId: stringColumn,
  service: stringColumn,
  name: stringColumn,
  kind: stringColumn,
  statusCode: stringColumn,
  statusMessage: stringColumn,
  durationNs: stringColumn,
  traceState: stringColumn,
  scope: stringColumn,
  attributes: mapColumn,
  /** Each distinct resource once, as JSON text, in order of first use; and by span, its position there (from 1). */
  resources: stringColumn,
  resourceOf: indexColumn,
  /** Events and links only of the spans that have some: those spans' positions (from 1), then their lists. */
  eventAt: indexColumn,
  eventTimes: listsColumn,
  eventNames: listsColumn,
  eventAttrs: mapsColumn,
  linkAt: indexColumn,
  linkTraceIds: listsColumn,
  linkSpanIds: listsColumn,
  linkStates: listsColumn,
  linkAttrs: mapsColumn,
});
type SpanColumns = z.infer<typeof SpanColumns>;
/** The per-span columns as the inner query names them (`resource` becomes resources + resourceOf). */
const PER_SPAN = ['ts', 'tsNs', 'spanId', 'parentSpanId', 'service', 'name', 'kind', 'statusCode', 'statusMessage', 'durationNs', 'traceState', 'scope', 'attributes', 'resource', 'eventTimes', 'eventNames', 'eventAttrs', 'linkTraceIds', 'linkSpanIds', 'linkStates', 'linkAttrs'];
const EVENT_COLUMNS = ['eventTimes', 'eventNames', 'eventAttrs'];
const LINK_COLUMNS = ['linkTraceIds', 'linkSpanIds', 'linkStates', 'linkAttrs'];

/**
 * The answer's one row. Resources repeat across a service's spans and are sent once
 * (arrayEnumerateUniq marks first uses, arrayEnumerateDense numbers them in that order); events
 * and links only for the spans that have some, so 50,000 spans are not 350,000 empty lists to parse.
 */
function columnsSql(): string {
  const c = (k: string) => `c_${k}`;
  const plain = PER_SPAN.filter((k) => k !== 'resource' && !EVENT_COLUMNS.includes(k) && !LINK_COLUMNS.includes(k)).map((k) => `${c(k)} AS ${k}`);
  const sparse = (at: string, first: string, cols: string[]) => [
    `arrayFilter((i, x) -> notEmpty(x), arrayEnumerate(${c(first)}), ${c(first)}) AS ${at}`,
    ...cols.map((k) => `arrayFilter((v, x) -> notEmpty(x), ${c(k)}, ${c(first)}) AS ${k}`),
  ];
  return [
    ...plain,
    `arrayFilter((r, u) -> u = 1, ${c('resource')}, arrayEnumerateUniq(${c('resource')})) AS resources`,
    `arrayEnumerateDense(${c('resource')}) AS resourceOf`,
    ...sparse('eventAt', 'eventTimes', EVENT_COLUMNS),
    ...sparse('linkAt', 'linkTraceIds', LINK_COLUMNS),
  ].join(', ');
}
const COLUMNS_SQL = columnsSql();
/** A groupArray per column: the same rows in the same order for each (no column is Nullable, so none skips a row), a fifth cheaper than one array of tuples at 50,000 spans. */
const GROUPED_SQL = PER_SPAN.map((k) => `groupArray(${k}) AS c_${k}`).join(', ');

const FACT_COLUMNS = ['dialect', 'mcpError', ...SPAN_FACT_NAMES] as const;
const numberOrNull = z.union([z.number(), z.null()]);
/** A span's facts, one row per span that has any (few): checked per row. */
const FactRow = z.object({
  spanId: z.string(),
  dialect: z.string(),
  mcpError: z.union([z.number(), z.boolean()]).transform(Boolean),
  ...Object.fromEntries(SPAN_FACT_NAMES.map((k) => [k, SPAN_FACT_KINDS[k] === 'number' ? numberOrNull : z.string()])),
});

const FACT_KEYS = new Set(FACT_ATTRIBUTE_KEYS);
const FACT_EVENT_NAMES = new Set(FACT_EVENTS);
/** Every key llmFields reads (an indexed list is read only when its first message is there). */
const LLM_KEYS = new Set([
  ...SPAN_FACTS.spanType.keys.map((k) => k.key),
  ...SPAN_FACTS.errorMessage.keys.map((k) => k.key),
  SYSTEM_INSTRUCTIONS_KEY,
  ...[...INPUT_MESSAGES, ...OUTPUT_MESSAGES].flatMap((m) => (m.key ? [m.key] : m.indexed ? [`${m.indexed.prefix}.0.${m.indexed.role}`, `${m.indexed.prefix}.0.${m.indexed.content}`] : [])),
]);
const hasAnyKey = (attributes: StrMapValue, keys: ReadonlySet<string>): boolean => {
  for (const k in attributes) if (keys.has(k)) return true;
  return false;
};

/** The span carries a key (or an event) a fact, the dialect or the MCP tool error is read from: the facts query reads only these. */
function carriesFactsSql(t: TracesTable): string {
  return `(${reportsAnyFactSql(t.layout, SPAN_FACT_NAMES)} OR ${anyKeyPresentSql(t.layout, MARKER_KEYS)})`;
}

function eventsAndLinksSql(t: TracesTable): string {
  const events = t.layout.hasEvents
    ? `arrayMap(x -> toString(x), \`Events.Timestamp\`) AS eventTimes, \`Events.Name\` AS eventNames, ${attributeMapsSql(t.layout, '`Events.Attributes`')} AS eventAttrs`
    : 'CAST([] AS Array(String)) AS eventTimes, CAST([] AS Array(String)) AS eventNames, CAST([] AS Array(Map(String, String))) AS eventAttrs';
  const links = t.layout.hasLinks
    ? `\`Links.TraceId\` AS linkTraceIds, \`Links.SpanId\` AS linkSpanIds, \`Links.TraceState\` AS linkStates, ${attributeMapsSql(t.layout, '`Links.Attributes`')} AS linkAttrs`
    : 'CAST([] AS Array(String)) AS linkTraceIds, CAST([] AS Array(String)) AS linkSpanIds, CAST([] AS Array(String)) AS linkStates, CAST([] AS Array(Map(String, String))) AS linkAttrs';
  return `${events}, ${links}`;
}

export async function getTraceColumns(location: TracesLocation, traceId: string, aroundMs?: number): Promise<TraceColumns> {
  if (!/^[0-9a-f]{32}$/.test(traceId)) throw new BadInputError('A trace id is 32 hex characters.');
  const [found] = await withTracesTable(location, (t) => inTraceWindows(aroundMs, async (w) => {
    const trace = await traceIn(location, t, traceId, w);
    return trace ? [trace] : [];
  }));
  return found ?? emptyTrace(traceId);
}

/** The trace as spans (tests, and callers that want one object per span). */
export async function getTrace(location: TracesLocation, traceId: string, aroundMs?: number): Promise<TraceSpan[]> {
  return traceSpansOf(await getTraceColumns(location, traceId, aroundMs));
}

function emptyTrace(traceId: string): TraceColumns {
  return { traceId, traceSpans: 0, ts: [], tsNs: [], spanId: [], parentSpanId: [], service: [], name: [], kind: [], status: [], durationNs: [], attributes: [], resources: [], resourceOf: [], facts: {}, llm: {}, events: {}, links: {} };
}

async function traceIn(location: TracesLocation, t: TracesTable, traceId: string, w: Window): Promise<TraceColumns | null> {
  const params = new SqlParams();
  const where = `TraceId = ${params.add('String', traceId)} AND ${timeWhere(params, w.fromMs, w.toMs)}`;
  const spans = `SELECT toString(Timestamp) AS ts, toString(toUnixTimestamp64Nano(Timestamp)) AS tsNs, SpanId AS spanId, ParentSpanId AS parentSpanId,
              ServiceName AS service, SpanName AS name, SpanKind AS kind, StatusCode AS statusCode, StatusMessage AS statusMessage, toString(Duration) AS durationNs,
              TraceState AS traceState, ScopeName AS scope,
              ${attributeMapSql(t.layout, 'SpanAttributes', TRACE_ATTRIBUTE_CAP)} AS attributes, ${t.layout.attributeStorage === 'json' ? attributeMapSql(t.layout, 'ResourceAttributes') : 'toJSONString(ResourceAttributes)'} AS resource,
              ${eventsAndLinksSql(t)}
            FROM ${fromTable(t)} WHERE ${where} ORDER BY Timestamp LIMIT ${TRACE_SPAN_LIMIT + 1}`;
  // One row of column arrays: at 50,000 spans an object per row was mostly its keys.
  const answer = await queryRows(location, {
    kind: 'search',
    database: location.database,
    sql: `SELECT ${COLUMNS_SQL} FROM (SELECT ${GROUPED_SQL} FROM (${spans}))`,
    params: params.values,
    row: SpanColumns,
  });
  const c = answer.rows[0];
  const found = c?.spanId.length ?? 0;
  if (!c || found === 0) return null;
  const n = Math.min(found, TRACE_SPAN_LIMIT);
  const trace = columnsOf(traceId, c, n, t.layout.attributeStorage === 'json');
  // The same test as carriesFactsSql, on the keys already here: most spans of a wide trace have none, and then there is no second query.
  const withFacts: number[] = [];
  const factEvents = new Set(c.eventAt.filter((_, j) => c.eventNames[j]!.some((e) => FACT_EVENT_NAMES.has(e))).map((at) => at - 1));
  for (let i = 0; i < n; i++) if (hasAnyKey(trace.attributes[i]!, FACT_KEYS) || factEvents.has(i)) withFacts.push(i);
  if (withFacts.length) await addFacts(location, t, where, params, trace, withFacts);
  if (found > TRACE_SPAN_LIMIT) trace.traceSpans = await traceSpanCount(location, t, where, params);
  return trace;
}

const statusOf = (code: string): TraceSpan['status'] => {
  const c = code.toLowerCase();
  return c.includes('error') ? 'error' : c.includes('ok') ? 'ok' : 'unset';
};

/** The answer's columns as the contract's: the first n spans, maps flattened where the layout sends JSON text, the sparse fields by span. */
function columnsOf(traceId: string, c: SpanColumns, n: number, jsonText: boolean): TraceColumns {
  const asMap = (m: StrMapValue | string, cap?: number): StrMapValue => (typeof m === 'string' ? flattenJsonAttributes(m, cap) : m);
  const cut = <T>(xs: T[]) => (xs.length > n ? xs.slice(0, n) : xs);
  const attributes = jsonText ? c.attributes.slice(0, n).map((m) => asMap(m, TRACE_ATTRIBUTE_CAP)) : (cut(c.attributes) as StrMapValue[]);
  const status = new Array<TraceSpan['status']>(n);
  for (let i = 0; i < n; i++) status[i] = statusOf(c.statusCode[i]!);
  const trace: TraceColumns = {
    traceId,
    traceSpans: n,
    ts: cut(c.ts),
    tsNs: cut(c.tsNs),
    spanId: cut(c.spanId),
    parentSpanId: cut(c.parentSpanId),
    service: cut(c.service),
    name: cut(c.name),
    kind: cut(c.kind),
    status,
    durationNs: cut(c.durationNs),
    attributes,
    resources: c.resources.map((r) => flattenJsonAttributes(r)),
    resourceOf: cut(c.resourceOf).map((r) => r - 1),
    facts: {},
    llm: {},
    events: {},
    links: {},
  };
  for (let i = 0; i < n; i++) {
    const message = c.statusMessage[i]!;
    const state = c.traceState[i]!;
    const scope = c.scope[i]!;
    if (message || state || scope) trace.facts[i] = { ...(message ? { statusMessage: message } : {}), ...(state ? { traceState: state } : {}), ...(scope ? { scope } : {}) };
    const llm = hasAnyKey(attributes[i]!, LLM_KEYS) ? llmFields(attributes[i]!) : null;
    if (llm && (llm.spanType || llm.input || llm.output || llm.errorMessage)) trace.llm[i] = llm;
  }
  c.eventAt.forEach((at, j) => {
    if (at > n) return;
    trace.events[at - 1] = c.eventTimes[j]!.map((ts, k) => ({ ts, name: c.eventNames[j]![k] ?? '', attributes: asMap(c.eventAttrs[j]![k] ?? {}) }));
  });
  c.linkAt.forEach((at, j) => {
    if (at > n) return;
    trace.links[at - 1] = c.linkTraceIds[j]!.map((id, k) => ({ traceId: id, spanId: c.linkSpanIds[j]![k] ?? '', traceState: c.linkStates[j]![k] ?? '', attributes: asMap(c.linkAttrs[j]![k] ?? {}) }));
  });
  return trace;
}

/** The gateway's facts of the spans that carry their keys, merged into their `facts`. */
async function addFacts(location: TracesLocation, t: TracesTable, where: string, params: SqlParams, trace: TraceColumns, spans: number[]): Promise<void> {
  const answer = await queryRows(location, {
    kind: 'search',
    database: location.database,
    sql: `SELECT SpanId AS spanId, ${spanColumnsSql(t.layout, FACT_COLUMNS)} FROM ${fromTable(t)} WHERE ${where} AND ${carriesFactsSql(t)} ORDER BY Timestamp LIMIT ${TRACE_SPAN_LIMIT + 1}`,
    params: params.values,
    row: FactRow,
  });
  // By id, in start order: a span sent twice is two rows of both answers, matched in turn.
  const at = new Map<string, number[]>();
  for (const i of spans) {
    const list = at.get(trace.spanId[i]!);
    if (list) list.push(i);
    else at.set(trace.spanId[i]!, [i]);
  }
  for (const row of answer.rows) {
    // undefined: a span past the cap.
    const i = at.get(row.spanId)?.shift();
    if (i === undefined) continue;
    const facts = setFacts(row);
    if (facts) trace.facts[i] = { ...trace.facts[i], ...facts };
  }
}

/** How many spans the trace holds in the window (asked only when the cap cut it). */
async function traceSpanCount(location: TracesLocation, t: TracesTable, where: string, params: SqlParams): Promise<number> {
  const answer = await queryRows(location, {
    kind: 'search',
    database: location.database,
    sql: `SELECT count() AS n FROM ${fromTable(t)} WHERE ${where}`,
    params: params.values,
    row: z.object({ n: z.union([z.number(), z.string()]).transform(Number) }),
  });
  return answer.rows[0]?.n ?? 0;
}

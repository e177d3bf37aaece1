/**
 * The SELECT behind a span row (SpanRow) and how its answer becomes one. On Map layouts the server
 * sends the span's own columns and only the attributes a fact reads (mapFilter), and the facts are
 * read here, by the same spec and rules as span-columns-sql.ts writes them in SQL (a test holds
 * the two equal on every dialect): ~36 fact expressions cost the server ~60 ms to plan on every
 * span query (a first search read 16,384 rows in 85 ms with them, 25 ms without; chDB 26.7), more
 * than the rows of a page cost to read. The exporter's JSON layout keeps the SQL columns.
 */
import { z } from 'zod';
import type { TableLayout } from '../clickhouse/table-layout.js';
import { SPAN_FACT_KINDS, SPAN_FACT_NAMES, type SpanFactName } from '../../shared/request-facts.js';
import { SpanOwnColumns, spanStatusOf, toSpanRow, type SpanRow } from '../../shared/span-row.js';
import { DIALECT_MARKERS, FACT_ATTRIBUTE_KEYS, FACT_EVENTS, MCP_TOOL_ERROR, SPAN_FACTS } from './span-facts.js';
import { keyLiteral, spanColumnsSql, spanRowColumnsSql } from './span-columns-sql.js';

/** The span's own columns, as span-columns-sql.ts names them. */
const OWN_COLUMNS = Object.keys(SpanOwnColumns.shape);

function isTextMap(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) if (typeof (value as Record<string, unknown>)[key] !== 'string') return false;
  return true;
}

/**
 * An attribute map of texts, checked in one loop: zod's record runs a schema on each key and each
 * value and builds a copy (~7 ms of a first page of 800 spans, half the page's parse; Node 20).
 */
const TextMap = z.custom<Record<string, string>>(isTextMap, { message: 'expected a map of attribute texts' });

/** What the server sends for a span row on Map layouts: the span's own columns and its fact attributes. */
const FactInputs = SpanOwnColumns.extend({
  factAttributes: TextMap,
  /** Nanoseconds since the epoch of each fact event's first occurrence ('0' when none), in FACT_EVENTS order. */
  factEventsNs: z.array(z.union([z.string(), z.number()])).optional(),
});
type SpanFacts = Pick<SpanRow, SpanFactName>;

/**
 * ClickHouse's toFloat64OrNull on the text forms an exporter writes: a decimal or exponent number,
 * inf and nan; anything else (an empty value, '12abc', hex) is no number.
 */
export function toFloat64OrNull(text: string): number | null {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  const t = text.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return NaN;
  return null;
}

/** ClickHouse's substring(s, 1, n): the first n bytes of the UTF-8 text. */
function firstBytes(text: string, n: number): string {
  // A UTF-16 unit is at most 3 UTF-8 bytes: most texts are short enough to keep without encoding them.
  if (text.length * 3 <= n) return text;
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= n ? text : bytes.subarray(0, n).toString('utf8');
}

function has(attrs: Record<string, string>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(attrs, key);
}

/** Where one attribute key counts: for which fact, at which precedence, in which unit. */
interface KeyUse {
  fact: number;
  rank: number;
  number: boolean;
  seconds: boolean;
}

/** Each fact key's uses, made once: a span is read by its own few keys, not by every fact's. */
const KEY_USES = new Map<string, KeyUse[]>();
SPAN_FACT_NAMES.forEach((fact, i) => {
  SPAN_FACTS[fact].keys.forEach((source, rank) => {
    const uses = KEY_USES.get(source.key) ?? [];
    uses.push({ fact: i, rank, number: SPAN_FACT_KINDS[fact] === 'number', seconds: source.unit === 's' });
    KEY_USES.set(source.key, uses);
  });
});

/** Scratch for spanFactsOf, reset on each call (JavaScript is single-threaded): each fact's best precedence so far, and its value. */
const NONE = 0x7fff;
const RANK = new Int16Array(SPAN_FACT_NAMES.length);
const FOUND: (string | number)[] = SPAN_FACT_NAMES.map(() => '');
const FACTS_TEMPLATE: Record<SpanFactName, string | number | null> = Object.fromEntries(SPAN_FACT_NAMES.map((f) => [f, null])) as Record<SpanFactName, null>;
const NUMBER_FACT = SPAN_FACT_NAMES.map((f) => SPAN_FACT_KINDS[f] === 'number');

/** Which dialect marker (DIALECT_MARKERS' index) each marker key names, the first where keys repeat. */
const MARKER_OF = new Map<string, number>();
DIALECT_MARKERS.forEach((m, i) => m.keys.forEach((k) => MARKER_OF.has(k) || MARKER_OF.set(k, i)));

/**
 * Every fact of a span from its fact attributes and events, by the rules span-columns-sql.ts
 * writes in SQL: a number is the first key in precedence order whose value is a number (seconds
 * made milliseconds), else the first event's time; a text the first key whose value is not empty,
 * else the MCP default, cut to its cap. Read key by key (a span has a few of the ~75 fact keys): a
 * page of 800 spans took ~3 ms looking up every fact's keys.
 */
export function spanFactsOf(attrs: Record<string, string>, eventMs: (event: string) => number | null): Record<SpanFactName, string | number | null> {
  RANK.fill(NONE);
  for (const key in attrs) {
    const uses = KEY_USES.get(key);
    if (!uses) continue;
    const text = attrs[key]!;
    for (const use of uses) {
      if (RANK[use.fact]! <= use.rank) continue;
      if (use.number) {
        const v = toFloat64OrNull(text);
        if (v === null) continue;
        FOUND[use.fact] = use.seconds ? v * 1000 : v;
      } else if (text === '') continue;
      else FOUND[use.fact] = text;
      RANK[use.fact] = use.rank;
    }
  }
  // A copy of a template that has every fact: an object given its ~24 properties one by one by name
  // turns into a slow dictionary, and copying one into the span row cost more than reading it.
  const facts = { ...FACTS_TEMPLATE };
  for (let i = 0; i < SPAN_FACT_NAMES.length; i++) {
    const fact = SPAN_FACT_NAMES[i]!;
    const spec = SPAN_FACTS[fact];
    const known = RANK[i] !== NONE;
    if (NUMBER_FACT[i]) {
      let n = known ? (FOUND[i] as number) : null;
      for (const e of spec.events ?? []) if (n === null) n = eventMs(e.event);
      facts[fact] = n;
      continue;
    }
    let text = known ? (FOUND[i] as string) : '';
    if (text === '' && spec.whenPresent && has(attrs, spec.whenPresent.key)) text = spec.whenPresent.value;
    facts[fact] = spec.cap ? firstBytes(text, spec.cap) : text;
  }
  return facts;
}

/** The dialect a span speaks: the first of DIALECT_MARKERS one of whose keys it has, '' when none. */
function dialectOf(attrs: Record<string, string>): string {
  let marker = DIALECT_MARKERS.length;
  for (const key in attrs) {
    const m = MARKER_OF.get(key);
    if (m !== undefined && m < marker) marker = m;
  }
  return DIALECT_MARKERS[marker]?.dialect ?? '';
}

export interface SpanRowSelect {
  /** The SELECT list. */
  sql: string;
  /** One answer row as a span row. */
  parse(raw: unknown): SpanRow;
}

const built = new WeakMap<TableLayout, SpanRowSelect>();

/** The SELECT list of a span row on this layout, and how to read its answer (built once per layout: the tail asks every poll). */
export function spanRowSelect(layout: TableLayout): SpanRowSelect {
  let select = built.get(layout);
  if (!select) built.set(layout, (select = buildSpanRowSelect(layout)));
  return select;
}

function buildSpanRowSelect(layout: TableLayout): SpanRowSelect {
  if (layout.attributeStorage === 'json') return { sql: spanRowColumnsSql(layout), parse: toSpanRow };
  const keys = FACT_ATTRIBUTE_KEYS.map(keyLiteral).join(', ');
  const events =
    layout.hasEvents && FACT_EVENTS.length
      ? `, [${FACT_EVENTS.map(keyLiteral).map((e) => `toString(if(indexOf(Events.Name, ${e}) > 0, toUnixTimestamp64Nano(Events.Timestamp[indexOf(Events.Name, ${e})]), 0))`).join(', ')}] AS factEventsNs`
      : '';
  return {
    sql: `${spanColumnsSql(layout, OWN_COLUMNS)},\n  mapFilter((k, v) -> has([${keys}], k), SpanAttributes) AS factAttributes${events}`,
    parse(raw) {
      const r = FactInputs.parse(raw);
      const attrs = r.factAttributes;
      const eventMs = (event: string): number | null => {
        const at = r.factEventsNs?.[FACT_EVENTS.indexOf(event)];
        if (at === undefined || String(at) === '0') return null;
        return Number(BigInt(String(at)) - BigInt(r.tsNs)) / 1e6;
      };
      // Built field by field into one object (no second validation of our own values): a span row
      // re-parsed by its zod schema after a spread cost ~80 µs, a page of 800 spans 60 ms.
      const facts = spanFactsOf(attrs, eventMs);
      const value = (k: string) => attrs[k] ?? '';
      return {
        ts: r.ts,
        tsNs: r.tsNs,
        traceId: r.traceId,
        spanId: r.spanId,
        parentSpanId: r.parentSpanId,
        service: r.service,
        name: r.name,
        kind: r.kind,
        status: spanStatusOf(r.statusCode),
        statusMessage: r.statusMessage,
        durationNs: r.durationNs,
        dialect: dialectOf(attrs),
        mcpError: value(MCP_TOOL_ERROR.flag).toLowerCase() === 'true' || !['', '0'].includes(value(MCP_TOOL_ERROR.errorCode)) || value(MCP_TOOL_ERROR.errorType) === MCP_TOOL_ERROR.errorTypeValue,
        ...(facts as SpanFacts),
      };
    },
  };
}

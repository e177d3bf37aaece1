/**
 * One conversation: every request that carries its id, oldest first, as chat. Two reads: the
 * requests rolled up (with which span holds each turn's input and output), then only the message
 * attributes of those spans. Each turn's input is assembled and parsed as the LLM panel's is
 * (span-fields.ts, then shared/conversation-turn.ts over the one chat parser), and only what is
 * new in it is carried: the history a turn repeats is the previous turns. Caps are said where
 * they cut: a message's text, the messages of a side, a value too big to read, a conversation's
 * total text; the page fetches what was left out with traces.payload.
 */
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import type { TracesLocation } from '../clickhouse/server.js';
import { flattenJsonAttributes } from '../clickhouse/json-attributes.js';
import { withTracesTable, type TracesTable } from '../clickhouse/traces-table.js';
import { INPUT_MESSAGES, keysOf, messageKeys, OUTPUT_MESSAGES, SYSTEM_INSTRUCTIONS_KEY, type MessageSource } from '../semantics/span-facts.js';
import { inputText, outputText } from '../semantics/span-fields.js';
import { FIRST_READS, firstSql, fromRollupRow } from '../semantics/request-rollup-sql.js';
import { anyKeyEqualsSql, firstAttributeSql } from '../semantics/span-columns-sql.js';
import { withEstimatedCost } from '../../shared/price-schema.js';
import { RequestRow } from '../../shared/request-row.js';
import { capMessages, readInput, readOutput, sameSystem, type PlacedMessage, type TurnSide } from '../../shared/conversation-turn.js';
import { Conversation, StrMap } from '../../shared/trace-queries-schema.js';
import { SqlParams } from '../search/sql-params.js';
import { fromTable, timeWhere } from './trace-queries.js';
import { MEMBER_SLACK_MS, Raw, rollupSql, type PriceOf } from './request-queries.js';

export const CONVERSATION_TURNS_MAX = 500;
/** A message's text (and each tool call's arguments) is cut to this many characters; "show all" fetches the rest. */
export const MESSAGE_CAP_CHARS = 2_000;
/** The messages a turn's input or output carries at most (a tool loop can add dozens); the latest are kept. */
export const MESSAGES_PER_SIDE_MAX = 20;
/** A message attribute is read up to this many bytes: past it the JSON cannot be parsed, and the page loads it. */
export const VALUE_CAP_BYTES = 256_000;
/** The inputs read with one conversation, in bytes: each turn repeats the history, so a long one would read it N² times. */
export const TEXT_BUDGET_BYTES = 4_000_000;

const kib = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en-US')} KB`;

/** Which turns' inputs are read now: in order, each within the value cap, while the budget lasts. */
export function planReads(lengths: number[]): { read: boolean; note: string }[] {
  let spent = 0;
  return lengths.map((len) => {
    if (len > VALUE_CAP_BYTES) return { read: false, note: `Its input is ${kib(len)}, too big to read with the conversation.` };
    if (spent + len > TEXT_BUDGET_BYTES) return { read: false, note: `Not read with the conversation: the turns before it already hold ${TEXT_BUDGET_BYTES / 1_000_000} MB of text.` };
    spent += len;
    return { read: true, note: '' };
  });
}

/** The attribute keys (and indexed prefixes) one side's messages come from. */
function messageSourceKeys(sources: readonly MessageSource[], extra: string[] = []): { keys: string[]; prefixes: string[] } {
  return { keys: [...sources.flatMap((s) => (s.key ? [s.key] : [])), ...extra], prefixes: sources.flatMap((s) => (s.indexed ? [`${s.indexed.prefix}.`] : [])) };
}
const INPUT_KEYS = messageSourceKeys(INPUT_MESSAGES, [SYSTEM_INSTRUCTIONS_KEY]);
const OUTPUT_KEYS = messageSourceKeys(OUTPUT_MESSAGES);

function keyFilterSql(params: SqlParams, set: { keys: string[]; prefixes: string[] }): string {
  return `(has(${params.add('Array(String)', set.keys)}, k) OR ${set.prefixes.map((p) => `startsWith(k, ${params.add('String', p)})`).join(' OR ') || '0'})`;
}

function pick(attributes: Record<string, string>, set: { keys: string[]; prefixes: string[] }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes)) if (set.keys.includes(k) || set.prefixes.some((p) => k.startsWith(p))) out[k] = v;
  return out;
}

/** A value read up to the cap may have been cut there, so its JSON is not the whole message list. */
function atCap(attributes: Record<string, string>): boolean {
  return Object.values(attributes).some((v) => v.length >= VALUE_CAP_BYTES || Buffer.byteLength(v) >= VALUE_CAP_BYTES);
}

const SpanMessages = z.object({ traceId: z.string(), spanId: z.string(), attributes: z.union([StrMap, z.string().transform((text) => flattenJsonAttributes(text, VALUE_CAP_BYTES))]) });

/** The message attributes of the spans asked for: input keys of `inSpans`, output keys of `outSpans`. */
async function readMessages(location: TracesLocation, t: TracesTable, traceIds: string[], inSpans: string[], outSpans: string[], fromMs: number, toMs: number) {
  const spans = [...new Set([...inSpans, ...outSpans])];
  if (!spans.length) return new Map<string, Record<string, string>>();
  const params = new SqlParams();
  const inSql = params.add('Array(String)', inSpans);
  const outSql = params.add('Array(String)', outSpans);
  // Map layouts send only the message keys, each cut at the cap. The JSON layout has no cheap filter and sends the
  // span's attributes whole: there the caps bound what is parsed and shown, not what is transferred.
  const attributes =
    t.layout.attributeStorage === 'json'
      ? 'toJSONString(SpanAttributes)'
      : `mapApply((k, v) -> (k, substring(v, 1, ${VALUE_CAP_BYTES})), mapFilter((k, v) -> (has(${inSql}, SpanId) AND ${keyFilterSql(params, INPUT_KEYS)}) OR (has(${outSql}, SpanId) AND ${keyFilterSql(params, OUTPUT_KEYS)}), SpanAttributes))`;
  const answer = await queryRows(location, {
    kind: 'search',
    database: location.database,
    sql: `SELECT TraceId AS traceId, SpanId AS spanId, ${attributes} AS attributes FROM ${fromTable(t)}
          WHERE ${timeWhere(params, fromMs, toMs)} AND TraceId IN ${params.add('Array(String)', traceIds)} AND SpanId IN ${params.add('Array(String)', spans)}`,
    params: params.values,
    row: SpanMessages,
  });
  return new Map(answer.rows.map((r) => [`${r.traceId}/${r.spanId}`, r.attributes]));
}

const NONE: TurnSide = { spanId: '', kind: 'none', messages: [], omitted: 0, note: '' };

function side(spanId: string, kind: TurnSide['kind'], list: PlacedMessage[], note = ''): TurnSide {
  const capped = capMessages(list, MESSAGES_PER_SIDE_MAX, MESSAGE_CAP_CHARS);
  return { spanId, kind, messages: capped.messages, omitted: capped.omitted, note: kind === 'other' ? 'Not chat messages: the raw view shows them.' : note };
}

const TurnRaw = z.object({ c_inputSpan: z.string(), c_inputLen: z.string(), c_outputSpan: z.string() }).transform((r) => ({ inputSpan: r.c_inputSpan, inputLen: r.c_inputLen, outputSpan: r.c_outputSpan }));

/** Every request of one conversation id, oldest first, each turn with its new messages and its answer. */
export async function conversation(location: TracesLocation, conversationId: string, fromMs: number, toMs: number, priceOf: PriceOf = () => null): Promise<z.infer<typeof Conversation>> {
  return withTracesTable(location, async (t) => {
    const params = new SqlParams();
    const id = params.add('String', conversationId);
    const inTraces = `SELECT TraceId FROM ${fromTable(t)} WHERE ${timeWhere(params, fromMs, toMs)} AND ${anyKeyEqualsSql(t.layout, keysOf('conversationId'), id)}`;
    // Which span holds a turn's input and output (the first root with one, else the first span with one), and the input's size.
    const input = firstAttributeSql(t.layout, messageKeys(INPUT_MESSAGES));
    const output = firstAttributeSql(t.layout, messageKeys(OUTPUT_MESSAGES));
    const columns = `, if(${input} != '', SpanId, '') AS inputSpan, if(${input} != '', toString(length(${input})), '') AS inputLen, if(${output} != '', SpanId, '') AS outputSpan`;
    const select = `, ${firstSql('inputSpan')} AS c_inputSpan, ${firstSql('inputLen')} AS c_inputLen, ${firstSql('outputSpan')} AS c_outputSpan`;
    const answer = await queryRows(location, {
      kind: 'search',
      database: location.database,
      sql: `${rollupSql(t, `${timeWhere(params, fromMs, toMs + MEMBER_SLACK_MS)} AND TraceId IN (${inTraces})`, { columns, select, selectReads: FIRST_READS })} ORDER BY toUInt64(r_tsNs) LIMIT ${CONVERSATION_TURNS_MAX + 1}`,
      params: params.values,
      row: Raw,
    });
    const rows = answer.rows.slice(0, CONVERSATION_TURNS_MAX).map((r) => ({ request: withEstimatedCost(RequestRow.parse(fromRollupRow(r)), priceOf), at: TurnRaw.parse(r) }));
    const plan = planReads(rows.map((r) => Number(r.at.inputLen || 0)));
    const inSpans = rows.flatMap((r, i) => (r.at.inputSpan && plan[i]!.read ? [r.at.inputSpan] : []));
    const outSpans = rows.flatMap((r) => (r.at.outputSpan ? [r.at.outputSpan] : []));
    const read = await readMessages(location, t, rows.map((r) => r.request.traceId), inSpans, outSpans, fromMs, toMs + MEMBER_SLACK_MS);

    let previousSystem: PlacedMessage[] = [];
    const turns = rows.map(({ request, at }, i) => {
      let inSide: TurnSide = NONE;
      let system: PlacedMessage[] = [];
      if (at.inputSpan && !plan[i]!.read) inSide = { ...NONE, spanId: at.inputSpan, kind: 'deferred', note: plan[i]!.note };
      else if (at.inputSpan) {
        const attributes = pick(read.get(`${request.traceId}/${at.inputSpan}`) ?? {}, INPUT_KEYS);
        if (atCap(attributes)) inSide = { ...NONE, spanId: at.inputSpan, kind: 'deferred', note: 'Its input is too big to read with the conversation.' };
        else {
          const parsed = readInput(inputText(attributes));
          inSide = side(at.inputSpan, parsed.kind, parsed.fresh);
          // The system prompt once: at the first turn that has one, and again only where it changes.
          if (parsed.system.length && !sameSystem(parsed.system, previousSystem)) system = parsed.system;
          if (parsed.system.length) previousSystem = parsed.system;
        }
      }
      let outSide: TurnSide = NONE;
      if (at.outputSpan) {
        const attributes = pick(read.get(`${request.traceId}/${at.outputSpan}`) ?? {}, OUTPUT_KEYS);
        if (atCap(attributes)) outSide = { ...NONE, spanId: at.outputSpan, kind: 'deferred', note: 'Its answer is too big to read with the conversation.' };
        else {
          const parsed = readOutput(outputText(attributes));
          outSide = side(at.outputSpan, parsed.kind, parsed.messages);
        }
      }
      return { ...request, input: inSide, output: outSide, system: capMessages(system, MESSAGES_PER_SIDE_MAX, MESSAGE_CAP_CHARS).messages };
    });
    return { conversationId, turns, truncated: answer.rows.length > CONVERSATION_TURNS_MAX, messageCapChars: MESSAGE_CAP_CHARS };
  });
}

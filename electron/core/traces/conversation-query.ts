/**
 * One conversation: every request that carries its id, oldest first, with what was said in each turn.
 */
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import type { TracesLocation } from '../clickhouse/server.js';
import { withTracesTable } from '../clickhouse/traces-table.js';
import { INPUT_MESSAGES, keysOf, messageKeys, OUTPUT_MESSAGES } from '../semantics/span-facts.js';
import { firstSql, fromRollupRow } from '../semantics/request-rollup-sql.js';
import { anyKeyEqualsSql, firstAttributeSql } from '../semantics/span-columns-sql.js';
import { withEstimatedCost } from '../../shared/price-schema.js';
import { Conversation, ConversationTurn } from '../../shared/trace-queries-schema.js';
import { SqlParams } from '../search/sql-params.js';
import { fromTable, timeWhere } from './trace-queries.js';
import { MEMBER_SLACK_MS, Raw, rollupSql, type PriceOf } from './request-queries.js';

export const CONVERSATION_TURNS_MAX = 500;
/** How much of each turn's input and output a transcript carries; the trace view fetches the rest. */
export const TURN_TEXT_CAP = 4_000;

/** Every request of one conversation id, oldest first, with the start of each turn's input and output. */
export async function conversation(location: TracesLocation, conversationId: string, fromMs: number, toMs: number, priceOf: PriceOf = () => null): Promise<z.infer<typeof Conversation>> {
  return withTracesTable(location, async (t) => {
    const params = new SqlParams();
    const id = params.add('String', conversationId);
    const inTraces = `SELECT TraceId FROM ${fromTable(t)} WHERE ${timeWhere(params, fromMs, toMs)} AND ${anyKeyEqualsSql(t.layout, keysOf('conversationId'), id)}`;
    // A turn's input is the whole history so far; the new turn is its last message (when it is a JSON list of messages).
    const input = firstAttributeSql(t.layout, messageKeys(INPUT_MESSAGES));
    const lastMessage = `if(isValidJSON(${input}) AND JSONType(${input}) = 'Array', JSONExtractRaw(${input}, -1), ${input})`;
    const columns = `, substringUTF8(${lastMessage}, 1, ${TURN_TEXT_CAP}) AS inputText, substringUTF8(${firstAttributeSql(t.layout, messageKeys(OUTPUT_MESSAGES))}, 1, ${TURN_TEXT_CAP}) AS outputText`;
    const select = `, ${firstSql('inputText')} AS r_input, ${firstSql('outputText')} AS r_output`;
    const answer = await queryRows(location, {
      kind: 'search',
      database: location.database,
      sql: `${rollupSql(t, `${timeWhere(params, fromMs, toMs + MEMBER_SLACK_MS)} AND TraceId IN (${inTraces})`, { columns, select })} ORDER BY toUInt64(r_tsNs) LIMIT ${CONVERSATION_TURNS_MAX + 1}`,
      params: params.values,
      row: Raw,
    });
    const turns = answer.rows.map((r) => withEstimatedCost(ConversationTurn.parse(fromRollupRow(r)), priceOf));
    return { conversationId, turns: turns.slice(0, CONVERSATION_TURNS_MAX), truncated: turns.length > CONVERSATION_TURNS_MAX };
  });
}

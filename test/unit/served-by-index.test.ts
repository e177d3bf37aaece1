/**
 * Which searches are read in one query over the whole window (an index serves them) and which go
 * newest slice first: the SQL is what compile-search writes for each layout.
 */
import { describe, expect, it } from 'vitest';
import { servedByIndex } from '../../electron/core/traces/span-search.js';

describe('a search term served by an index', () => {
  it.each([
    ['a trace id', 'TraceId = {p0:String}'],
    ['an exact value on the items text index', "(has(SpanAttributeItems, concat({p0:String}, '=', {p1:String})))"],
    ['an exact value on the bloom layout', '(SpanAttributes[{p0:String}] = {p1:String})'],
    ['a fact read from two dialects’ keys', "(has(SpanAttributeItems, concat('tfy.request.conversation_id', '=', {p0:String})) OR has(SpanAttributeItems, concat('gen_ai.conversation.id', '=', {p0:String})))"],
  ])('%s is', (_what, sql) => expect(servedByIndex(sql)).toBe(true));

  it.each([
    ['a substring', "(SpanAttributes[{p0:String}] ILIKE {p1:String} AND indexHint(mapContains(SpanAttributes, {p0:String})))"],
    ['a negation', 'NOT (SpanAttributes[{p0:String}] = {p1:String})'],
    ['an OR with a side no index serves', "(TraceId = {p0:String}) OR (SpanName ILIKE {p1:String})"],
    ['a number range', 'toFloat64OrNull(SpanAttributes[{p0:String}]) > {p1:Float64}'],
    ['a status', "(StatusCode ILIKE {p0:String})"],
  ])('%s is not', (_what, sql) => expect(servedByIndex(sql)).toBe(false));
});

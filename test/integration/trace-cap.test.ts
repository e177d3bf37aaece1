/**
 * getTrace at HyperDX's limit: a 50,000-span trace comes back whole, with the facts of the spans
 * that have some; a bigger one comes back cut to the first 50,000 by start, and says how many
 * spans the trace holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACE_SPAN_LIMIT } from '../../electron/core/traces/trace-queries.js';
import { getTrace } from '../../electron/core/traces/trace-load.js';
import { fullTraceSpan } from '../../electron/shared/trace-queries-schema.js';
import { WIDE_TRACE_FAILURE, wideSpanFailed, wideSpanId, wideTraceSql } from '../support/wide-trace.js';
import { sandboxLocation, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
}, 60_000);
afterAll(async () => {
  await sandbox.dispose();
});

async function insert(spans: number): Promise<string> {
  const { traceId, sql } = wideTraceSql(spans);
  const res = await fetch(sandbox.clickhouse, { method: 'POST', body: sql });
  expect(res.status, await res.text()).toBe(200);
  return traceId;
}

describe('getTrace at the span cap', () => {
  it('returns a 50,000-span trace whole, failures and their messages kept', async () => {
    const traceId = await insert(TRACE_SPAN_LIMIT);
    const spans = await getTrace(sandboxLocation(sandbox), traceId);
    expect(spans).toHaveLength(TRACE_SPAN_LIMIT);
    expect(spans[0]!.traceSpans).toBeUndefined();
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(TRACE_SPAN_LIMIT);
    const failed = spans.filter((s) => s.status === 'error');
    expect(failed).toHaveLength(Array.from({ length: TRACE_SPAN_LIMIT }, (_, i) => i).filter(wideSpanFailed).length);
    // The sparse fields travel in `facts` only where they are set, and come back whole.
    expect(failed[0]!.facts).toEqual({ statusMessage: WIDE_TRACE_FAILURE });
    expect(spans.find((s) => s.status !== 'error')!.facts).toBeUndefined();
    const full = fullTraceSpan(failed[0]!);
    expect([full.statusMessage, full.model, full.inputTokens, full.mcpError, full.scope]).toEqual([WIDE_TRACE_FAILURE, '', null, false, '']);
    const child = spans.find((s) => s.spanId === wideSpanId(5))!;
    expect([child.parentSpanId, child.name, child.attributes['tool.name']]).toEqual([wideSpanId(1), 'step 5', 'tool-5']);
  }, 120_000);

  it('cuts a bigger trace to the first 50,000 by start and says how many spans it holds', async () => {
    const traceId = await insert(TRACE_SPAN_LIMIT + 7);
    const spans = await getTrace(sandboxLocation(sandbox), traceId);
    expect(spans).toHaveLength(TRACE_SPAN_LIMIT);
    expect(spans[0]!.traceSpans).toBe(TRACE_SPAN_LIMIT + 7);
    // The first by start: the last seven spans (the latest starts) are the ones left out.
    expect(spans.some((s) => s.spanId === wideSpanId(TRACE_SPAN_LIMIT + 6))).toBe(false);
    expect(spans.some((s) => s.spanId === wideSpanId(TRACE_SPAN_LIMIT - 1))).toBe(true);
  }, 120_000);
});

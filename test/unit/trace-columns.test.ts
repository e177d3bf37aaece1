/**
 * The trace's columns (traces.get): spans come back from them whole — the sparse fields where a
 * span has them, empty ones filled in — and an answer whose columns disagree is refused.
 */
import { describe, expect, it } from 'vitest';
import { TraceColumns, fullSpansOf, rollupSpansOf, traceSpansOf } from '../../electron/shared/trace-columns.js';
import { rollupRequest } from '../../electron/shared/request-row.js';

function columns(): TraceColumns {
  return {
    traceId: 'a'.repeat(32),
    traceSpans: 2,
    ts: ['2026-12-02 14:00:00.000000000', '2026-12-02 14:00:00.001000000'],
    tsNs: ['1764684000000000000', '1764684000001000000'],
    spanId: ['0000000000000001', '0000000000000002'],
    parentSpanId: ['', '0000000000000001'],
    service: ['gw', 'tools'],
    name: ['ChatCompletion', 'step 1'],
    kind: ['Server', 'Internal'],
    status: ['ok', 'error'],
    durationNs: ['2000000', '1000000'],
    attributes: [{ 'tfy.span_type': 'ChatCompletion' }, { 'tool.name': 'search' }],
    resources: [{ 'service.name': 'gw' }, { 'service.name': 'tools' }],
    resourceOf: [0, 1],
    facts: { '0': { model: 'gpt-4o', inputTokens: 12 }, '1': { statusMessage: 'tool call failed' } },
    llm: { '0': { spanType: 'ChatCompletion', input: '[]', output: '', errorMessage: '' } },
    events: { '1': [{ ts: '2026-12-02 14:00:00.001500000', name: 'exception', attributes: { 'exception.message': 'boom' } }] },
    links: {},
  };
}

describe('trace columns', () => {
  it('turn into spans with their sparse fields, and into full spans with the empty ones filled', () => {
    const t = TraceColumns.parse(columns());
    const [root, step] = traceSpansOf(t);
    expect(root).toMatchObject({ spanId: '0000000000000001', service: 'gw', resource: { 'service.name': 'gw' }, facts: { model: 'gpt-4o', inputTokens: 12 }, events: [] });
    expect(step).toMatchObject({ parentSpanId: '0000000000000001', status: 'error', facts: { statusMessage: 'tool call failed' }, llm: { spanType: '' } });
    expect(step!.events[0]!.attributes).toEqual({ 'exception.message': 'boom' });
    const [fullRoot, fullStep] = fullSpansOf(t);
    expect([fullRoot!.model, fullRoot!.inputTokens, fullRoot!.outputTokens, fullRoot!.statusMessage, fullRoot!.mcpError]).toEqual(['gpt-4o', 12, null, '', false]);
    expect([fullStep!.model, fullStep!.statusMessage, fullStep!.scope, fullStep!.llm.spanType]).toEqual(['', 'tool call failed', '', '']);
  });

  it('marks the first span with the trace size when the cap cut the trace', () => {
    const spans = traceSpansOf(TraceColumns.parse({ ...columns(), traceSpans: 60_000 }));
    expect(spans[0]!.traceSpans).toBe(60_000);
    expect(spans[1]!.traceSpans).toBeUndefined();
  });

  it('refuses columns of different lengths, a missing resource, an entry past the spans and a bad status', () => {
    const c = columns();
    expect(TraceColumns.safeParse({ ...c, name: ['only one'] }).success).toBe(false);
    expect(TraceColumns.safeParse({ ...c, resourceOf: [0, 2] }).success).toBe(false);
    expect(TraceColumns.safeParse({ ...c, llm: { '5': c.llm['0'] } }).success).toBe(false);
    expect(TraceColumns.safeParse({ ...c, status: ['ok', 'failed'] }).success).toBe(false);
    expect(TraceColumns.safeParse({ ...c, attributes: [{ k: 1 }, {}] }).success).toBe(false);
  });

  it('roll the request up from the roots, failures and spans with facts alone: the same request but for the span count', () => {
    const c = columns();
    // 200 plain spans under the root: no facts, not failed.
    const plain = 200;
    const more = <T>(xs: T[], f: (i: number) => T) => [...xs, ...Array.from({ length: plain }, (_, i) => f(i))];
    const t = TraceColumns.parse({
      ...c,
      traceSpans: 2 + plain,
      ts: more(c.ts, () => '2026-12-02 14:00:00.002000000'),
      tsNs: more(c.tsNs, (i) => String(1764684000002000000n + BigInt(i))),
      spanId: more(c.spanId, (i) => (i + 3).toString(16).padStart(16, '0')),
      parentSpanId: more(c.parentSpanId, () => '0000000000000001'),
      service: more(c.service, () => 'tools'),
      name: more(c.name, (i) => `plain ${i}`),
      kind: more(c.kind, () => 'Internal'),
      status: more(c.status, () => 'ok' as const),
      durationNs: more(c.durationNs, () => '5000000'),
      attributes: more(c.attributes, () => ({})),
      resourceOf: more(c.resourceOf, () => 1),
      facts: { ...c.facts, '2': { scope: 'tools' } },
    });
    const full = fullSpansOf(t);
    const subset = rollupSpansOf(t, full);
    expect(subset.map((s) => s.spanId)).toEqual(['0000000000000001', '0000000000000002', '0000000000000003']);
    const { spanCount: all, ...whole } = rollupRequest(full);
    const { spanCount: few, ...folded } = rollupRequest(subset);
    expect([all, few]).toEqual([2 + plain, 3]);
    expect(folded).toEqual(whole);
  });
});

/** The waterfall's tree: depth-first order with children by start, subtree ranges, and collapse and filter as passes over them. */
import { describe, expect, it } from 'vitest';
import { fullTraceSpan } from '../../electron/shared/trace-queries-schema.js';
import { buildTree, filterTexts, matchFilter, revealed, rowAtOrAfter, spanAt, visibleRows } from '../../electron/shared/trace-tree.js';

const BASE_MS = 1_796_000_000_000;
/** A span of a test trace: id, parent id, start offset in µs (so sub-ms order matters), name. */
function span(spanId: string, parentSpanId: string, startUs: number, name = spanId, attributes: Record<string, string> = {}) {
  return fullTraceSpan({
    ts: '', tsNs: `${BASE_MS + Math.floor(startUs / 1000)}${String((startUs % 1000) * 1000).padStart(6, '0')}`, traceId: 't', spanId, parentSpanId, service: 'svc', name, kind: 'Internal',
    status: name.startsWith('bad') ? 'error' : 'ok', durationNs: '1000', attributes, resource: {}, llm: { spanType: '', input: '', output: '', errorMessage: '' }, events: [], links: [],
  });
}

// root ─┬─ a (starts 2 µs) ── a1
//       └─ b (starts 1 µs, sent after a)
// orphan (its parent is not in the trace) is a root of its own; c ⇄ d is a parent cycle.
const spans = [span('root', '', 0), span('a', 'root', 2), span('a1', 'a', 3, 'a1', { 'tool.name': 'search' }), span('b', 'root', 1, 'bad b'), span('orphan', 'gone', 5), span('c', 'd', 6), span('d', 'c', 7)];
const names = (tree: ReturnType<typeof buildTree>, rows: Int32Array) => [...rows].map((p) => spanAt(tree, p).spanId);

describe('buildTree', () => {
  const tree = buildTree(spans);
  const all = visibleRows(tree, new Uint8Array(spans.length), null);
  it('orders depth-first, children by start to the microsecond, orphans and cycles as roots', () => {
    expect(names(tree, all)).toEqual(['root', 'b', 'a', 'a1', 'orphan', 'c', 'd']);
    expect([...tree.depth]).toEqual([0, 1, 1, 2, 0, 0, 1]);
    expect([...tree.end]).toEqual([4, 2, 4, 4, 5, 7, 7]);
    expect([...tree.parent]).toEqual([-1, 0, 0, 2, -1, -1, 5]);
    expect(tree.startNs[2]).toBe(2000);
    expect(tree.failed[1]).toBe(1);
  });
  it('collapses a subtree and filters by name, service or attribute text', () => {
    const collapsed = new Uint8Array(spans.length);
    collapsed[tree.positionOf.get('a')!] = 1;
    expect(names(tree, visibleRows(tree, collapsed, null))).toEqual(['root', 'b', 'a', 'orphan', 'c', 'd']);
    const texts = () => filterTexts(tree);
    expect(names(tree, visibleRows(tree, new Uint8Array(spans.length), matchFilter(texts, 'TOOL.NAME=search')))).toEqual(['a1']);
    expect(matchFilter(texts, '  ')).toBeNull();
    // Under a filter a collapsed subtree stays hidden.
    expect(names(tree, visibleRows(tree, collapsed, matchFilter(texts, 'a1')))).toEqual([]);
  });
  it('finds rows by position and opens the ancestors of a span to show it', () => {
    expect(rowAtOrAfter(Int32Array.from([0, 2, 5]), 3)).toBe(2);
    const collapsed = new Uint8Array(spans.length);
    collapsed[0] = 1;
    collapsed[2] = 1;
    const open = revealed(tree, collapsed, tree.positionOf.get('a1')!);
    expect([...open.slice(0, 3)]).toEqual([0, 0, 0]);
    expect(revealed(tree, open, 3)).toBe(open);
  });
  it('builds a 50,000-span chain without running out of stack', () => {
    const chain = Array.from({ length: 50_000 }, (_, i) => span(`s${i}`, i ? `s${i - 1}` : '', i));
    const deep = buildTree(chain);
    expect(deep.depth[49_999]).toBe(49_999);
    expect(deep.end[0]).toBe(50_000);
  });
});

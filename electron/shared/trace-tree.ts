/**
 * A trace's span tree, computed once per trace in flat arrays (depth-first order, children by
 * start time), so that what a collapse or a filter changes is one linear pass over typed arrays:
 * at 50,000 spans neither may rebuild the tree nor re-render every row. Pure data, no DOM: the
 * renderer's waterfall draws it, and plain Node tests it.
 */
import type { FullTraceSpan } from './trace-queries-schema.js';

type FullSpan = FullTraceSpan;

export interface TraceTree {
  /** The spans, as received. */
  spans: FullSpan[];
  /** Depth-first position → index in `spans`. */
  order: Int32Array;
  /** By position: nesting depth (roots 0), the position just past the subtree, the parent's position (-1 for a root). */
  depth: Int32Array;
  end: Int32Array;
  parent: Int32Array;
  /** By position: start relative to the trace's first span, and duration, in ns (exact below 104 days). */
  startNs: Float64Array;
  durationNs: Float64Array;
  /** By position: 1 when the span failed. */
  failed: Uint8Array;
  /** Span id → position. */
  positionOf: Map<string, number>;
  /** The trace's extent in ns, from its first start to its last end; and that first start, in epoch ms. */
  totalNs: number;
  startMs: number;
}

/**
 * A 19-digit ns timestamp as two exact halves (ms, ns within the ms): Number() of the whole
 * string would round to 256 ns, which can reorder siblings that start within the same microsecond.
 */
const msOf = (tsNs: string) => Number(tsNs.slice(0, -6) || '0');
const subMsOf = (tsNs: string) => Number(tsNs.slice(-6));

export function buildTree(spans: FullSpan[]): TraceTree {
  const n = spans.length;
  const ms = new Float64Array(n);
  let minMs = Infinity;
  for (let i = 0; i < n; i++) {
    ms[i] = msOf(spans[i]!.tsNs);
    if (ms[i]! < minMs) minMs = ms[i]!;
  }
  const start = new Float64Array(n);
  const duration = new Float64Array(n);
  let last = 0;
  for (let i = 0; i < n; i++) {
    start[i] = (ms[i]! - minMs) * 1e6 + subMsOf(spans[i]!.tsNs);
    duration[i] = Number(spans[i]!.durationNs);
    last = Math.max(last, start[i]! + duration[i]!);
  }
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(spans[i]!.spanId, i);

  // Children lists in one flat array (counts, then offsets), filled in start order so each list comes out sorted.
  const byStart = new Int32Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    byStart[i] = i;
    if (i > 0 && start[i]! < start[i - 1]!) sorted = false;
  }
  // The query sends spans by start already; sorting is for other senders (and costs a comparator call per comparison).
  if (!sorted) byStart.sort((a, b) => start[a]! - start[b]! || a - b);
  const parentOf = new Int32Array(n);
  const counts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const p = spans[i]!.parentSpanId ? (index.get(spans[i]!.parentSpanId) ?? -1) : -1;
    // A span that names itself as its parent would loop; orphans and such become roots.
    parentOf[i] = p === i ? -1 : p;
    counts[parentOf[i]! + 1]!++;
  }
  const offset = new Int32Array(n + 2);
  for (let i = 0; i <= n; i++) offset[i + 1] = offset[i]! + counts[i]!;
  const fill = offset.slice(0, n + 1);
  const kids = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = byStart[k]!;
    kids[fill[parentOf[i]! + 1]!++] = i;
  }

  // Iterative depth-first walk: a 50,000-span chain must not blow the stack. Slot 0 holds the roots, slot i + 1 span i's children.
  const order = new Int32Array(n);
  const depth = new Int32Array(n);
  const end = new Int32Array(n);
  const parent = new Int32Array(n);
  const positionOf = new Map<string, number>();
  const visited = new Uint8Array(n);
  const stack: number[] = [];
  const posStack: number[] = [];
  let pos = 0;
  const pushChildren = (slot: number, parentPos: number) => {
    for (let c = offset[slot + 1]! - 1; c >= offset[slot]!; c--) {
      stack.push(kids[c]!);
      posStack.push(parentPos);
    }
  };
  // Subtrees close when the walk leaves them: a span's subtree ends where the next span not below it starts.
  const walk = () => {
    const open: number[] = [];
    while (stack.length) {
      const i = stack.pop()!;
      const pp = posStack.pop()!;
      if (visited[i]) continue;
      visited[i] = 1;
      while (open.length && open[open.length - 1] !== pp) end[open.pop()!] = pos;
      order[pos] = i;
      parent[pos] = pp;
      depth[pos] = pp < 0 ? 0 : depth[pp]! + 1;
      positionOf.set(spans[i]!.spanId, pos);
      open.push(pos);
      pos++;
      pushChildren(i + 1, pos - 1);
    }
    while (open.length) end[open.pop()!] = pos;
  };
  pushChildren(0, -1);
  walk();
  // Spans in a parent cycle are reachable from no root: each such cycle starts a tree of its own.
  for (let k = 0; k < n && pos < n; k++) {
    if (visited[byStart[k]!]) continue;
    stack.push(byStart[k]!);
    posStack.push(-1);
    walk();
  }

  const startNs = new Float64Array(n);
  const durationNs = new Float64Array(n);
  const failed = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const i = order[p]!;
    startNs[p] = start[i]!;
    durationNs[p] = duration[i]!;
    failed[p] = spans[i]!.status === 'error' ? 1 : 0;
  }
  return { spans, order, depth, end, parent, startNs, durationNs, failed, positionOf, totalNs: Math.max(1, last), startMs: n ? minMs : 0 };
}

/** The span at a depth-first position. */
export const spanAt = (tree: TraceTree, pos: number): FullSpan => tree.spans[tree.order[pos]!]!;
export const hasChildren = (tree: TraceTree, pos: number): boolean => tree.end[pos]! > pos + 1;

/** What the filter looks in, lower-cased, by position: name, service, model and every attribute key and value. Built on first use. */
export function filterTexts(tree: TraceTree): string[] {
  const out = new Array<string>(tree.order.length);
  for (let p = 0; p < out.length; p++) {
    const s = spanAt(tree, p);
    let text = `${s.name}\n${s.service}\n${s.model}`;
    for (const k in s.attributes) text += `\n${k}=${s.attributes[k]}`;
    out[p] = text.toLowerCase();
  }
  return out;
}

/** By position, 1 where the span matches the filter text; null when there is no filter. */
export function matchFilter(texts: () => string[], filter: string): Uint8Array | null {
  const needle = filter.trim().toLowerCase();
  if (!needle) return null;
  const all = texts();
  const hit = new Uint8Array(all.length);
  for (let p = 0; p < all.length; p++) hit[p] = all[p]!.includes(needle) ? 1 : 0;
  return hit;
}

/**
 * The rows shown, as positions in depth-first order (so the array is increasing): every span
 * not inside a collapsed subtree, and, under a filter, only the ones that match.
 */
export function visibleRows(tree: TraceTree, collapsed: Uint8Array, matches: Uint8Array | null): Int32Array {
  const n = tree.order.length;
  const out = new Int32Array(n);
  let k = 0;
  for (let p = 0; p < n; ) {
    if (!matches || matches[p]) out[k++] = p;
    p = collapsed[p] ? tree.end[p]! : p + 1;
  }
  return out.slice(0, k);
}

/** The index in `rows` of the first row at or after position `pos` (rows are increasing). */
export function rowAtOrAfter(rows: Int32Array, pos: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]! < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The collapse flags with every collapsed ancestor of `pos` opened, so the span can be shown. */
export function revealed(tree: TraceTree, collapsed: Uint8Array, pos: number): Uint8Array {
  let next: Uint8Array | null = null;
  for (let p = tree.parent[pos]!; p >= 0; p = tree.parent[p]!) {
    if (collapsed[p]) {
      next ??= collapsed.slice();
      next[p] = 0;
    }
  }
  return next ?? collapsed;
}

import type { TraceSpan } from '../../../../electron/shared/contract';
import type { z } from 'zod';

export type FullSpan = z.infer<typeof TraceSpan>;

export interface WaterfallRow {
  span: FullSpan;
  depth: number;
  hasChildren: boolean;
  startNs: number;
  durationNs: number;
}

/** Orders spans as a tree from ParentSpanId (children by start time); orphans become roots. */
export function buildWaterfall(spans: FullSpan[], collapsed: Set<string>, filter: string): { rows: WaterfallRow[]; traceStartNs: number; traceEndNs: number } {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, FullSpan[]>();
  const roots: FullSpan[] = [];
  for (const s of spans) {
    if (s.parentSpanId && ids.has(s.parentSpanId)) {
      const list = children.get(s.parentSpanId) ?? [];
      list.push(s);
      children.set(s.parentSpanId, list);
    } else roots.push(s);
  }
  const byStart = (a: FullSpan, b: FullSpan) => (BigInt(a.tsNs) < BigInt(b.tsNs) ? -1 : BigInt(a.tsNs) > BigInt(b.tsNs) ? 1 : 0);
  let min = Infinity;
  let max = -Infinity;
  for (const s of spans) {
    const start = Number(s.tsNs);
    min = Math.min(min, start);
    max = Math.max(max, start + Number(s.durationNs));
  }
  const needle = filter.trim().toLowerCase();
  const matches = (s: FullSpan) => !needle || s.name.toLowerCase().includes(needle) || s.service.toLowerCase().includes(needle) || s.model.toLowerCase().includes(needle);
  const rows: WaterfallRow[] = [];
  // Iterative DFS: a 10,000-span chain must not blow the stack.
  const stack: { span: FullSpan; depth: number }[] = roots.sort(byStart).reverse().map((span) => ({ span, depth: 0 }));
  while (stack.length) {
    const { span, depth } = stack.pop()!;
    const kids = (children.get(span.spanId) ?? []).sort(byStart);
    if (matches(span)) rows.push({ span, depth, hasChildren: kids.length > 0, startNs: Number(span.tsNs) - min, durationNs: Number(span.durationNs) });
    if (!collapsed.has(span.spanId)) for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, depth: depth + 1 });
  }
  return { rows, traceStartNs: min, traceEndNs: max };
}

/** The trace as OTLP/JSON (hex ids, integer enums, int64 as strings), for export. */
export function toOtlpJson(spans: FullSpan[]): string {
  const kinds: Record<string, number> = { Unspecified: 0, Internal: 1, Server: 2, Client: 3, Producer: 4, Consumer: 5 };
  const status: Record<string, number> = { unset: 0, ok: 1, error: 2 };
  const kv = (m: Record<string, string>) => Object.entries(m).map(([key, value]) => ({ key, value: { stringValue: value } }));
  const byResource = new Map<string, FullSpan[]>();
  for (const s of spans) {
    const key = JSON.stringify(s.resource);
    byResource.set(key, [...(byResource.get(key) ?? []), s]);
  }
  const toNs = (ts: string) => {
    const d = new Date(`${ts.slice(0, 19).replace(' ', 'T')}Z`).getTime();
    return (BigInt(d) * 1_000_000n + BigInt(ts.slice(20, 29).padEnd(9, '0'))).toString();
  };
  return JSON.stringify(
    {
      resourceSpans: [...byResource.entries()].map(([res, list]) => ({
        resource: { attributes: kv(JSON.parse(res) as Record<string, string>) },
        scopeSpans: [
          {
            scope: { name: list[0]?.scope ?? '' },
            spans: list.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId,
              traceState: s.traceState,
              name: s.name,
              kind: kinds[s.kind.replace(/^SPAN_KIND_/, '').replace(/^./, (c) => c.toUpperCase())] ?? 0,
              startTimeUnixNano: s.tsNs,
              endTimeUnixNano: (BigInt(s.tsNs) + BigInt(s.durationNs)).toString(),
              attributes: kv(s.attributes),
              events: s.events.map((e) => ({ timeUnixNano: toNs(e.ts), name: e.name, attributes: kv(e.attributes) })),
              links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, traceState: l.traceState, attributes: kv(l.attributes) })),
              status: { code: status[s.status] ?? 0, message: s.statusMessage },
            })),
          },
        ],
      })),
    },
    null,
    2,
  );
}

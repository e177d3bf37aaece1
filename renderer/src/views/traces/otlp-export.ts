/** A trace as OTLP/JSON, for the trace view's export button. */
import type { FullSpan } from './waterfall';

/** The trace as OTLP/JSON (hex ids, integer enums, int64 as strings), for export. */
export function toOtlpJson(spans: FullSpan[]): string {
  const kinds: Record<string, number> = { Unspecified: 0, Internal: 1, Server: 2, Client: 3, Producer: 4, Consumer: 5 };
  const status: Record<string, number> = { unset: 0, ok: 1, error: 2 };
  const kv = (m: Record<string, string>) => Object.entries(m).map(([key, value]) => ({ key, value: { stringValue: value } }));
  const byResource = new Map<string, FullSpan[]>();
  for (const s of spans) {
    const key = JSON.stringify(s.resource);
    // Pushed in place: copying the list per span was quadratic, minutes at 50,000 spans.
    const list = byResource.get(key);
    if (list) list.push(s);
    else byResource.set(key, [s]);
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

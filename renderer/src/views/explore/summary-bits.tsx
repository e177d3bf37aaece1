import type { ReactNode } from 'react';
import type { z } from 'zod';
import type { TrafficSummary } from '../../../../electron/shared/contract';
import { REQUEST_FACT_COLUMNS, SUMMED_FACTS, TOKEN_FACTS, type SummedFact } from '../../../../electron/shared/request-facts';

export type Summary = z.infer<typeof TrafficSummary>;

/** Summed facts beyond the token split and cost (shared/request-facts.ts SUMMED_FACTS) get a column of their own. */
export const EXTRA_SUMS = SUMMED_FACTS.filter((f): f is SummedFact => !(TOKEN_FACTS as readonly string[]).includes(f) && f !== 'costUsd').map((fact) => ({ fact, label: REQUEST_FACT_COLUMNS.find((c) => c.field === fact)?.label ?? fact }));

/** Quotes a value for the search box the way HyperDX does (field:"value"). */
export const q = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** A number in a summary: a click searches for the requests behind it. */
export function Drill({ query, onSearch, children, label }: { query: string; onSearch: (q: string) => void; children: ReactNode; label: string }) {
  return (
    <button type="button" className="drill" onClick={() => onSearch(query)} title={`Search ${query}`} aria-label={`${label}: search ${query}`}>
      {children}
    </button>
  );
}

export const pct = (errors: number, total: number) => (total ? `${((errors / total) * 100).toFixed(1)}%` : '—');
/** Milliseconds in the units the request list's durations use (traces/format.ts formatDuration): a minute and over in minutes. */
export const fmtMs = (v: number) => (v >= 60_000 ? `${(v / 60_000).toFixed(1)} min` : v >= 10_000 ? `${(v / 1000).toFixed(0)} s` : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
/** A stretch of time as a person says it: "45 min", "6 h", "1 h 30 min", "2 d". */
export function fmtSpan(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  if (min < 48 * 60) return min % 60 === 0 ? `${min / 60} h` : `${Math.floor(min / 60)} h ${min % 60} min`;
  return `${Math.round(min / 1440)} d`;
}
/** Where a summary's requests were looked for: a preview has read only the newest part of the range, so "none in this range" would not be true yet. */
export function inWhat(summary: Summary): string {
  return summary.partial && summary.coveredFromMs !== undefined ? `in the newest ${fmtSpan(summary.toMs - summary.coveredFromMs)} read so far` : 'in this range';
}
export const fmtUsd = (v: number) => (v === 0 ? '$0' : v < 0.01 ? `$${v.toPrecision(2)}` : `$${v.toFixed(2)}`);

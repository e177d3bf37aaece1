import type { SpanRow } from '../../../../electron/shared/contract';
import type { z } from 'zod';

export type Span = z.infer<typeof SpanRow>;

export function formatDuration(ns: string | number): string {
  const n = Number(ns);
  if (n < 1e3) return `${n} ns`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} µs`;
  if (n < 1e9) return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} ms`;
  if (n < 60e9) return `${(n / 1e9).toFixed(2)} s`;
  return `${(n / 60e9).toFixed(1)} min`;
}

export function formatTime(ts: string): string {
  // ts is "YYYY-MM-DD hh:mm:ss.nnnnnnnnn" in UTC; show local time with milliseconds.
  const d = new Date(`${ts.slice(0, 23).replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) ? ts : `${clockTime(d.getTime())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/**
 * A moment on the 24-hour clock every view uses: "14:45:39". `hourCycle: 'h23'`, not `hour12: false`,
 * which prints a minute past midnight as "24:01:00" in Chromium and Node.
 */
export const clockTime = (ms: number) => new Date(ms).toLocaleTimeString([], { hourCycle: 'h23' });

/** A minute on the same clock: "14:45" (a chart's bar, a window's edge without its day). */
export const clockMinute = (ms: number) => new Date(ms).toLocaleTimeString([], { hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });

/** A minute with its day: "Dec 7, 14:45" (a search window's edges). */
export const dayMinute = (ms: number) => new Date(ms).toLocaleString([], { hourCycle: 'h23', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** A moment with its day, on the same clock: "Dec 7, 14:45:39". */
export const dayTime = (ms: number) => new Date(ms).toLocaleString([], { hourCycle: 'h23', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A count at a glance: 980, 15.2 k, 1.6 M, 2.1 G (rows read, progress). */
export const fmtCount = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(1)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n));

export const fmtNum = (n: number | null, digits = 0) => (n === null ? '—' : n.toLocaleString(undefined, { maximumFractionDigits: digits }));
export const fmtCost = (n: number | null) => (n === null ? '—' : n === 0 ? '$0' : `$${n < 0.01 ? n.toPrecision(2) : n.toFixed(4)}`);

/** "openai-main/gpt-4o", or "openai-main/gpt-4o → gpt-4o-mini" when the gateway called something else (a fallback). */
export function modelText(requested: string, called: string[]): string {
  if (!requested && !called.length) return '—';
  const chain = called.join(' → ');
  const same = called.length === 1 && (called[0] === requested || requested.endsWith(`/${called[0]}`));
  return !chain || same ? requested || chain : `${requested || '?'} → ${chain}`;
}

export const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;

/** A row's start (nanoseconds as text) in milliseconds: the trace lookup reads around it. */
export const atMs = (tsNs: string) => Math.floor(Number(BigInt(tsNs) / 1_000_000n));

/** The Explore address of a trace, with the time of the row it was opened from, so the lookup reads one hour, not thirty days. */
export function traceHref(traceId: string, tsNs?: string): string {
  return `#/explore/trace/${traceId}${tsNs ? `@${Math.floor(Number(BigInt(tsNs) / 1_000_000n))}` : ''}`;
}

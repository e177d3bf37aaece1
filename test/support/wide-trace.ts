/**
 * One very wide trace, written by ClickHouse itself (INSERT … SELECT FROM numbers) so 50,000 spans
 * land in a fraction of a second: a root, then a 4-ary tree (span i's parent is span (i - 1) / 4),
 * two services, a `tool.name` attribute to filter on, and every 997th span failed.
 * Shared by bench:tail and the waterfall's browser test.
 */
import { randomBytes } from 'node:crypto';

export const WIDE_TRACE_SERVICES = ['tfy-llm-gateway', 'tool-runner'] as const;
export const WIDE_TRACE_FAILURE = 'tool call failed';

/** Span i's 16-hex id (unique inside its trace). */
export const wideSpanId = (i: number) => (i + 1).toString(16).padStart(16, '0');
/** The name of span i: the root is a ChatCompletion, the rest are numbered steps. */
export const wideSpanName = (i: number) => (i === 0 ? 'ChatCompletion' : `step ${i}`);
/** Span i failed. */
export const wideSpanFailed = (i: number) => i % 997 === 996;

/** The INSERT statement of a trace of `spans` spans that started a minute before `nowMs`; spans are 1 ms apart. */
export function wideTraceSql(spans: number, nowMs = Date.now(), traceId = randomBytes(16).toString('hex'), table = 'otel_traces'): { traceId: string; sql: string } {
  const baseMs = nowMs - 60_000 - spans;
  const id = (n: string) => `lower(leftPad(hex(${n} + 1), 16, '0'))`;
  const sql = `INSERT INTO ${table} (Timestamp, TraceId, SpanId, ParentSpanId, ServiceName, SpanName, SpanKind, Duration, StatusCode, StatusMessage, SpanAttributes)
    SELECT fromUnixTimestamp64Milli(toInt64(${baseMs} + number)), '${traceId}', ${id('number')}, if(number = 0, '', ${id('intDiv(number - 1, 4)')}),
           if(number % 10 = 3, '${WIDE_TRACE_SERVICES[1]}', '${WIDE_TRACE_SERVICES[0]}'),
           if(number = 0, 'ChatCompletion', concat('step ', toString(number))), 'Internal',
           toUInt64(${spans} - number) * 1000000,
           if(number % 997 = 996, 'Error', 'Ok'), if(number % 997 = 996, '${WIDE_TRACE_FAILURE}', ''),
           map('tool.name', concat('tool-', toString(number % 50)))
    FROM numbers(${spans})`;
  return { traceId, sql };
}

/** The last span in depth-first order (children by start): the rightmost path down the 4-ary tree. */
export function lastWideSpan(spans: number): number {
  let k = 0;
  for (;;) {
    const last = Math.min(4 * k + 4, spans - 1);
    if (last <= 4 * k) return k;
    k = last;
  }
}

/**
 * After a 200, waits for the trace to become queryable in ClickHouse (the collector batches
 * for 5 s and inserts asynchronously), then, if it never does, looks for why.
 */
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import { ClickHouseFailure } from '../clickhouse/clickhouse-failure.js';
import { quoteName, TRACES_TABLE, type TracesLocation } from '../clickhouse/server.js';
import { findTracesDatabases } from '../clickhouse/traces-table.js';

export const LANDING_TIMEOUT_MS = 60_000;
export const LANDING_BACKOFF_MS = [250, 500, 1_000, 2_000, 3_000, 5_000] as const;
/** The time bound lets partition pruning and the TraceId bloom filter do their work. */
export const LANDING_WINDOW_NS = 10n * 60n * 1_000_000_000n;

const SpanRow = z.object({ SpanId: z.string(), ParentSpanId: z.string(), SpanName: z.string(), Duration: z.union([z.string(), z.number()]) });
export type LandedSpan = { spanId: string; parentSpanId: string; name: string; durationNs: string };

export type LandingTarget = Omit<TracesLocation, 'table'> & { table?: string };

export async function findTraceSpans(t: LandingTarget, traceId: string, aroundNs: bigint, database = t.database): Promise<LandedSpan[]> {
  const { rows } = await queryRows(t, {
    kind: 'landing',
    database,
    sql: `SELECT SpanId, ParentSpanId, SpanName, Duration FROM ${quoteName(database)}.${quoteName(t.table ?? TRACES_TABLE)}
          WHERE TraceId = {trace:String}
            AND Timestamp >= fromUnixTimestamp64Nano({from:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({to:Int64})`,
    params: { trace: traceId, from: String(aroundNs - LANDING_WINDOW_NS), to: String(aroundNs + LANDING_WINDOW_NS) },
    row: SpanRow,
  });
  return rows.map((r) => ({ spanId: r.SpanId, parentSpanId: r.ParentSpanId, name: r.SpanName, durationNs: String(r.Duration) }));
}

export type LandingOutcome =
  | { landed: true; spans: LandedSpan[]; afterMs: number }
  | { landed: false; summary: string; fix: string };

/** Why an accepted trace is not where the profile looks. */
async function diagnose(t: LandingTarget, traceId: string, aroundNs: bigint): Promise<{ summary: string; fix: string }> {
  try {
    const dbs = await findTracesDatabases(t, 'landing');
    if (dbs.length === 0) return { summary: 'The collector accepted the trace, but this ClickHouse has no otel_traces table at all.', fix: 'The collector writes to another ClickHouse, or its exporter cannot create the table: check its CLICKHOUSE_ENDPOINT and its log.' };
    for (const db of dbs.filter((d) => d !== t.database)) {
      if ((await findTraceSpans(t, traceId, aroundNs, db)).length > 0) {
        return { summary: `The trace landed in ${db}.otel_traces, but this profile reads ${t.database}.otel_traces.`, fix: `Re-run the ClickHouse setup step (it picks the right database), or point the collector at ${t.database} with HYPERDX_OTEL_EXPORTER_CLICKHOUSE_DATABASE.` };
      }
    }
    if (!dbs.includes(t.database)) return { summary: `There is no otel_traces table in ${t.database}; it exists in ${dbs.join(', ')}.`, fix: 'Re-run the ClickHouse setup step so the profile reads the right database.' };
    return { summary: `The collector accepted the trace, but it did not appear in ${t.database}.otel_traces within ${LANDING_TIMEOUT_MS / 1000} s.`, fix: 'The collector may write to a different ClickHouse (check its CLICKHOUSE_ENDPOINT), or its ClickHouse exporter is failing: check the collector log.' };
  } catch (error) {
    if (!(error instanceof ClickHouseFailure)) throw error;
    if (error.failure === 'auth') return { summary: `ClickHouse refuses this profile's user ${t.user}, so the trace cannot be looked up.`, fix: 'Re-enter the ClickHouse password in the profile.' };
    return { summary: `The trace could not be looked up: ${error.message}`, fix: error.fix };
  }
}

export async function awaitLanding(
  t: LandingTarget,
  traceId: string,
  aroundNs: bigint,
  expectedSpans: number,
  options: { timeoutMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<LandingOutcome> {
  const started = Date.now();
  const timeout = options.timeoutMs ?? LANDING_TIMEOUT_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let i = 0; ; i++) {
    try {
      const spans = await findTraceSpans(t, traceId, aroundNs);
      if (spans.length >= expectedSpans) return { landed: true, spans, afterMs: Date.now() - started };
    } catch (error) {
      // The table or the credentials are wrong: waiting will not help.
      if (error instanceof ClickHouseFailure && error.code !== null) return { landed: false, ...(await diagnose(t, traceId, aroundNs)) };
    }
    if (Date.now() - started >= timeout) return { landed: false, ...(await diagnose(t, traceId, aroundNs)) };
    await sleep(Math.min(LANDING_BACKOFF_MS[Math.min(i, LANDING_BACKOFF_MS.length - 1)]!, Math.max(0, timeout - (Date.now() - started))));
  }
}

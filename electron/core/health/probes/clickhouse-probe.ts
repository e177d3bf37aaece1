/**
 * Are the gateway's spans fresh: one query, bounded by time and led by ServiceName (the
 * primary key's first column), so it reads only the last hour of the gateway's rows —
 * per-minute counts and the newest start.
 */
import { z } from 'zod';
import { queryRows } from '../../clickhouse/clickhouse-clients.js';
import { ClickHouseFailure, type ClickHouseFailureKind } from '../../clickhouse/clickhouse-failure.js';
import { quoteName, TRACES_TABLE } from '../../clickhouse/server.js';
import type { CheckTarget } from '../../setup/check-target.js';
import { ProbeFailure, type ProbeDefinition, type ProbeFailureKind } from './probe.js';

export const FRESHNESS_WINDOW_MS = 60 * 60_000;

export interface ClickHouseSample {
  newestSpanAt: number | null;
  spansLastHour: number;
  spansPerMinute: { minute: number; spans: number }[];
}

const MinuteRow = z.object({ minute: z.union([z.number(), z.string()]), spans: z.union([z.number(), z.string()]), newest_ms: z.union([z.number(), z.string()]) });

const FAILURE_KIND: Record<ClickHouseFailureKind, ProbeFailureKind> = {
  unreachable: 'unreachable',
  timeout: 'timeout',
  auth: 'auth',
  'no-access': 'auth',
  'no-table': 'unconfigured',
  query: 'rejected',
};

export async function readFreshness(target: CheckTarget, now: number, signal: AbortSignal): Promise<ClickHouseSample> {
  if (!target.database) throw new ProbeFailure('unconfigured', 'The traces table has not been found yet: run the ClickHouse step in Setup (no otel_traces known).');
  try {
    const { rows } = await queryRows(
      { url: target.clickhouseUrl, user: target.clickhouseUser, password: target.password },
      {
        kind: 'probe',
        database: target.database,
        signal,
        sql: `SELECT toUnixTimestamp(toStartOfMinute(Timestamp)) AS minute, count() AS spans, toUnixTimestamp64Milli(max(Timestamp)) AS newest_ms
              FROM ${quoteName(target.database)}.${quoteName(TRACES_TABLE)}
              WHERE ServiceName = {service:String} AND Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp <= fromUnixTimestamp64Milli({to:Int64})
              GROUP BY minute ORDER BY minute`,
        params: { service: target.serviceName, from: String(now - FRESHNESS_WINDOW_MS), to: String(now + 60_000) },
        row: MinuteRow,
      },
    );
    const spansPerMinute = rows.map((r) => ({ minute: Number(r.minute) * 1000, spans: Number(r.spans) }));
    const newest = rows.length ? Math.max(...rows.map((r) => Number(r.newest_ms))) : null;
    return { newestSpanAt: newest, spansLastHour: spansPerMinute.reduce((a, r) => a + r.spans, 0), spansPerMinute };
  } catch (error) {
    if (!(error instanceof ClickHouseFailure)) throw error;
    const message = error.failure === 'no-table' ? `There is no otel_traces in ${target.database}: run the ClickHouse step in Setup.` : error.message;
    throw new ProbeFailure(FAILURE_KIND[error.failure], message, { cause: error });
  }
}

export const clickhouseProbe: ProbeDefinition<ClickHouseSample> = {
  id: 'clickhouse',
  title: 'ClickHouse',
  intervalMs: (s) => s.pollIntervalMs,
  async run(target, { now, signal }) {
    const value = await readFreshness(target, now, signal);
    return { ok: true, detail: `Read ${value.spansLastHour} gateway spans from the last hour.`, value };
  },
};

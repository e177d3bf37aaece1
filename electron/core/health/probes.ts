/** What each poller does once. They throw when their target cannot be reached, which is what backs them off. */
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { z } from 'zod';
import type { CheckTarget } from '../setup/check-target.js';
import { checkCollectorHealth, checkOtlpEndpoint } from '../setup/collector-check.js';
import { buildGatewayTrace } from '../test-trace/gateway-trace.js';
import { awaitLanding } from '../test-trace/landing-check.js';
import { sendOtlpJson } from '../test-trace/otlp-sender.js';

export const CANARY_SERVICE_NAME = 'clickstack-tray-canary';
export const FRESHNESS_WINDOW_MS = 60 * 60_000;

export interface CollectorSample {
  health: { ok: boolean; detail: string };
  otlp: { ok: boolean; detail: string } | null;
}

export async function probeCollector(target: CheckTarget, signal?: AbortSignal): Promise<CollectorSample> {
  const [health, otlp] = await Promise.all([
    target.healthUrl ? checkCollectorHealth(target.healthUrl, signal) : Promise.resolve(null),
    target.otlpEndpoint ? checkOtlpEndpoint(target.otlpEndpoint, target.otlpToken, signal) : Promise.resolve(null),
  ]);
  const sample: CollectorSample = {
    health: health ? { ok: health.status === 'passed', detail: health.summary } : { ok: true, detail: 'No health URL configured.' },
    otlp: otlp ? { ok: otlp.status === 'passed', detail: otlp.summary } : null,
  };
  signal?.throwIfAborted();
  if (!sample.health.ok && (!sample.otlp || !sample.otlp.ok)) throw new Error(sample.health.detail);
  return sample;
}

export interface ClickHouseSample {
  newestSpanAt: number | null;
  spansLastHour: number;
  spansPerMinute: { minute: number; spans: number }[];
}

const MinuteRow = z.object({ minute: z.union([z.number(), z.string()]), spans: z.union([z.number(), z.string()]), newest_ms: z.union([z.number(), z.string()]) });

/**
 * One query, bounded by time and led by ServiceName (the primary key's first column), so it
 * reads only the last hour of the gateway's rows: per-minute counts and the newest start.
 */
export async function probeClickHouse(target: CheckTarget, now: number, signal: AbortSignal): Promise<ClickHouseSample> {
  if (!target.database) throw new Error('The traces table has not been found yet: run the ClickHouse step in Setup (no otel_traces known).');
  const client = createClient({ url: target.clickhouseUrl, username: target.clickhouseUser, password: target.password, database: target.database, request_timeout: 10_000, log: { level: ClickHouseLogLevel.OFF } });
  try {
    const rs = await client.query({
      query: `SELECT toUnixTimestamp(toStartOfMinute(Timestamp)) AS minute, count() AS spans, toUnixTimestamp64Milli(max(Timestamp)) AS newest_ms
              FROM otel_traces
              WHERE ServiceName = {service:String} AND Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp <= fromUnixTimestamp64Milli({to:Int64})
              GROUP BY minute ORDER BY minute`,
      query_params: { service: target.serviceName, from: String(now - FRESHNESS_WINDOW_MS), to: String(now + 60_000) },
      format: 'JSONEachRow',
      abort_signal: signal,
    });
    const rows = z.array(MinuteRow).parse(await rs.json());
    const spansPerMinute = rows.map((r) => ({ minute: Number(r.minute) * 1000, spans: Number(r.spans) }));
    const newest = rows.length ? Math.max(...rows.map((r) => Number(r.newest_ms))) : null;
    return { newestSpanAt: newest, spansLastHour: spansPerMinute.reduce((a, r) => a + r.spans, 0), spansPerMinute };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(/Unknown table|UNKNOWN_TABLE|does not exist/i.test(message) ? `There is no otel_traces in ${target.database}: run the ClickHouse step in Setup.` : message, { cause: error });
  } finally {
    await client.close();
  }
}

export interface CanarySample {
  landed: boolean;
  latencyMs: number | null;
  detail: string;
}

export async function probeCanary(target: CheckTarget, landingTimeoutMs?: number): Promise<CanarySample> {
  if (!target.otlpEndpoint || !target.database) return { landed: false, latencyMs: null, detail: 'The profile has no OTLP endpoint or no traces table yet.' };
  const started = Date.now();
  const trace = buildGatewayTrace({ serviceName: CANARY_SERVICE_NAME });
  const sent = await sendOtlpJson(target.otlpEndpoint, trace.body, target.otlpToken);
  if (!sent.ok) return { landed: false, latencyMs: null, detail: sent.summary };
  const landing = await awaitLanding({ url: target.clickhouseUrl, user: target.clickhouseUser, password: target.password, database: target.database }, trace.traceId, trace.startNs, 4, { timeoutMs: landingTimeoutMs });
  if (!landing.landed) return { landed: false, latencyMs: null, detail: landing.summary };
  return { landed: true, latencyMs: Date.now() - started, detail: 'The canary trace landed.' };
}

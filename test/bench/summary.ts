/**
 * npm run bench:summary — the traffic summaries (by model, user, over time in one pass; by MCP
 * tool in another) on BENCH_SPANS gateway spans (10,000,000 by default: 2.5 M requests of
 * ChatCompletion → Guardrail, Model → Network Call, metrics on the Model span), against one
 * GROUP BY over the raw table in the same run. Also the requests view's newest page, and the
 * live tail's rows read per poll against the rows inserted since the previous poll.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAllClients, queryRows } from '../../electron/core/clickhouse/clickhouse-clients.js';
import { describeTracesTable } from '../../electron/core/clickhouse/traces-table.js';
import { searchRequests, trafficSummary } from '../../electron/core/traces/request-queries.js';
import { SpanTail } from '../../electron/core/traces/span-tail.js';
import { startSandbox } from '../../electron/sandbox/sandbox.js';
import { z } from 'zod';
import { fillSql } from './summary-fill.js';

const TOTAL = Number(process.env.BENCH_SPANS ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SERVICE = 'tfy-llm-gateway';
const WINDOW_MS = 6 * 3600_000;
const TAIL_POLLS = 5;
const TAIL_BATCH_REQUESTS = 100;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'cst-bench-summary-'));
  const sandbox = await startSandbox({ dataDir });
  try {
    const now = Date.now();
    console.log(`filling ${TOTAL.toLocaleString()} gateway spans over the last 6 h…`);
    const t0 = performance.now();
    await sandbox.engine.query({ sql: fillSql(now - 60_000, TOTAL, 0, WINDOW_MS - 120_000), format: 'TabSeparated' });
    console.log(`filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const location = { url: sandbox.endpoints.clickhouse, user: 'default', password: '', database: 'default', table: 'otel_traces' };
    const window = { fromMs: now - WINDOW_MS, toMs: now };

    const ours: { ms: number; rows: number }[] = [];
    const base: { ms: number; rows: number }[] = [];
    const page: { ms: number; rows: number }[] = [];
    const Row = z.record(z.string(), z.unknown());
    for (let i = 0; i < RUNS; i++) {
      const s = await timed(() => trafficSummary(location, window.fromMs, window.toMs, SERVICE));
      ours.push({ ms: s.ms, rows: s.value.rowsRead });
      // The baseline: one GROUP BY over the raw table, per model, as a naive summary would read it.
      const b = await timed(() =>
        queryRows(location, {
          kind: 'search',
          sql: `SELECT SpanAttributes['tfy.request.model_name'] AS model, count() AS spans, countIf(StatusCode = 'Error') AS errors, quantile(0.95)(Duration) AS p95,
                       sum(toFloat64OrZero(SpanAttributes['tfy.model.metric.input_tokens'])) AS tokens, sum(toFloat64OrZero(SpanAttributes['tfy.model.metric.cost_in_usd'])) AS cost
                FROM otel_traces WHERE ServiceName = {s:String} AND Timestamp >= fromUnixTimestamp64Milli({f:Int64}) AND Timestamp <= fromUnixTimestamp64Milli({t:Int64}) GROUP BY model`,
          params: { s: SERVICE, f: window.fromMs, t: window.toMs },
          row: Row,
        }),
      );
      base.push({ ms: b.ms, rows: b.value.rowsRead });
      const p = await timed(() => searchRequests(location, { query: '', fromMs: window.fromMs, toMs: window.toMs, service: SERVICE, limit: 500 }));
      page.push({ ms: p.ms, rows: p.value.rowsRead });
      console.log(`run ${i + 1}: summaries ${Math.round(s.ms)} ms / ${s.value.rowsRead.toLocaleString()} rows; raw GROUP BY ${Math.round(b.ms)} ms / ${b.value.rowsRead.toLocaleString()} rows; newest 500 requests ${Math.round(p.ms)} ms / ${p.value.rowsRead.toLocaleString()} rows`);
    }
    const check = await trafficSummary(location, window.fromMs, window.toMs, SERVICE);
    const modelRequests = check.models.reduce((a, m) => a + m.requests, 0);

    // The requests view tails spans and folds them: what it reads per poll, against what was inserted since the last one.
    const table = await describeTracesTable(location);
    const tail = new SpanTail(table, { where: `ServiceName = '${SERVICE}'` });
    await tail.start();
    let inserted = 0;
    let read = 0;
    for (let p = 0; p < TAIL_POLLS; p++) {
      const spans = TAIL_BATCH_REQUESTS * 4;
      await sandbox.engine.query({ sql: fillSql(Date.now(), spans, 100_000_000 + p * spans, 60_000), format: 'TabSeparated' });
      inserted += spans;
      read += (await tail.poll()).rowsRead;
    }
    const result = {
      benchmark: 'summary',
      spans_in_table: TOTAL,
      requests_in_window: modelRequests,
      summary_ms: Math.round(median(ours.map((x) => x.ms))),
      summary_rows_read: median(ours.map((x) => x.rows)),
      raw_group_by_ms: Math.round(median(base.map((x) => x.ms))),
      raw_group_by_rows_read: median(base.map((x) => x.rows)),
      time_ratio: Number((median(ours.map((x) => x.ms)) / median(base.map((x) => x.ms))).toFixed(2)),
      rows_ratio: Number((median(ours.map((x) => x.rows)) / median(base.map((x) => x.rows))).toFixed(2)),
      requests_page_ms: Math.round(median(page.map((x) => x.ms))),
      requests_page_rows_read: median(page.map((x) => x.rows)),
      tail_rows_read_per_poll: Math.round(read / TAIL_POLLS),
      tail_rows_inserted_per_poll: Math.round(inserted / TAIL_POLLS),
      tail_read_ratio: Number((read / inserted).toFixed(2)),
      goal: 'the requests-view tail reads <= 2x the rows inserted since the last poll',
      met: read / inserted <= 2,
    };
    console.log(JSON.stringify(result));
  } finally {
    await closeAllClients();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

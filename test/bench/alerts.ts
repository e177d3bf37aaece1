/**
 * npm run bench:alerts — one evaluation of a profile's alert rules on BENCH_SPANS gateway spans
 * (10,000,000 by default, spread over the last 24 h 15 min: 2.5 M requests of ChatCompletion →
 * Guardrail, Model → Network Call, metrics on the Model span; bench:summary's fill). For the
 * default rules and for a profile with a rule of every kind: the rows one evaluation reads (its
 * one query), at a poll that recomputes the previous 24 h baseline and at a poll that reuses it,
 * against the rows in the rules' windows — each rule's windows counted in plain SQL, as one
 * query per rule and window would read them. Windows of 6 h or more (a day's budget) are read
 * with the baseline, so a poll between two refreshes reads only the short windows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AlertService } from '../../electron/core/alerts/alert-service.js';
import { isLongWindow, windowsOf } from '../../electron/core/alerts/alert-math.js';
import { closeAllClients, queryRows } from '../../electron/core/clickhouse/clickhouse-clients.js';
import { IncidentNotifier } from '../../electron/core/health/incident-notifier.js';
import { startSandbox } from '../../electron/sandbox/sandbox.js';
import { defaultAlertRules, type AlertRule } from '../../electron/shared/alert-rules.js';
import { fillSql } from './summary-fill.js';

const TOTAL = Number(process.env.BENCH_SPANS ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SERVICE = 'tfy-llm-gateway';
const SPREAD_MS = 24 * 3600_000 + 15 * 60_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A rule of every kind the issue names, beside the defaults. */
function everyKind(): AlertRule[] {
  const on = defaultAlertRules().map((r) => (r.metric === 'costUsd' ? { ...r, enabled: true, threshold: { kind: 'absolute' as const, value: r.windowMinutes === 60 ? 50 : 500 } } : r));
  return [
    ...on,
    { id: 'ttft', name: 'p95 TTFT', enabled: true, metric: 'p95TtftMs', scope: { kind: 'model', value: null }, windowMinutes: 15, threshold: { kind: 'absolute', value: 2000 }, minRequests: 50, forMinutes: 1 },
    { id: 'user-tokens', name: 'Tokens per user per day', enabled: true, metric: 'tokens', scope: { kind: 'user', value: null }, windowMinutes: 1440, threshold: { kind: 'absolute', value: 50_000_000 }, minRequests: 0, forMinutes: 0 },
    { id: 'team-tokens', name: 'Tokens per team per day', enabled: true, metric: 'tokens', scope: { kind: 'team', value: null }, windowMinutes: 1440, threshold: { kind: 'absolute', value: 500_000_000 }, minRequests: 0, forMinutes: 0 },
    { id: 'traffic', name: 'Traffic gone', enabled: true, metric: 'requestsPerMinute', scope: { kind: 'all', value: null }, windowMinutes: 10, threshold: { kind: 'absolute', value: 1 }, minRequests: 0, forMinutes: 5 },
    { id: 'mcp', name: 'MCP tool errors', enabled: true, metric: 'mcpToolErrorRate', scope: { kind: 'mcpServer', value: null }, windowMinutes: 15, threshold: { kind: 'absolute', value: 0.2 }, minRequests: 20, forMinutes: 1 },
  ];
}

const Count = z.object({ n: z.union([z.number(), z.string()]).transform(Number) });

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'cst-bench-alerts-'));
  const sandbox = await startSandbox({ dataDir });
  try {
    const now = Date.now();
    console.log(`filling ${TOTAL.toLocaleString()} gateway spans over the last 24 h 15 min…`);
    const t0 = performance.now();
    await sandbox.engine.query({ sql: fillSql(now - 60_000, TOTAL, 0, SPREAD_MS - 120_000), format: 'TabSeparated' });
    console.log(`filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const location = { url: sandbox.endpoints.clickhouse, user: 'default', password: '', database: 'default', table: 'otel_traces' };
    const spansIn = async (fromMs: number, toMs: number) =>
      (
        await queryRows(location, {
          kind: 'search',
          sql: `SELECT count() AS n FROM otel_traces WHERE ServiceName = {s:String} AND Timestamp > fromUnixTimestamp64Milli({f:Int64}) AND Timestamp <= fromUnixTimestamp64Milli({t:Int64})`,
          params: { s: SERVICE, f: Math.round(fromMs), t: Math.round(toMs) },
          row: Count,
        })
      ).rows[0]!.n;
    const spansInTable = (await queryRows(location, { kind: 'search', sql: 'SELECT count() AS n FROM otel_traces', row: Count })).rows[0]!.n;

    const measure = async (label: string, rules: AlertRule[]) => {
      const enabled = rules.filter((r) => r.enabled);
      // Evaluations move on from a start in the past, so the last one is now and every window holds spans.
      let clockMs = Date.now() - RUNS * (11 * 60_000 + 30_000);
      const clock = { now: () => clockMs, setTimeout: () => 0, clearTimeout: () => undefined };
      const alerts = new AlertService({
        profiles: async () => [{ id: 'bench', name: 'bench', pollIntervalSeconds: 30 }],
        rules: () => rules,
        target: async () => ({ ...location, serviceName: SERVICE }),
        notifier: new IncidentNotifier(() => undefined),
        ingestion: () => ({ fine: true, state: 'Healthy' }),
        clock,
      });
      const full: { ms: number; rows: number }[] = [];
      const steady: { ms: number; rows: number }[] = [];
      let firing = 0;
      let scopes = 0;
      for (let i = 0; i < RUNS; i++) {
        // A poll that recomputes the 24 h baseline (the first, then every 10 minutes)…
        clockMs += 11 * 60_000;
        let t = performance.now();
        let s = await alerts.evaluate('bench');
        if (s.error) throw new Error(s.error);
        full.push({ ms: performance.now() - t, rows: s.rowsRead });
        // …and the polls between, which reuse it.
        clockMs += 30_000;
        t = performance.now();
        s = await alerts.evaluate('bench');
        steady.push({ ms: performance.now() - t, rows: s.rowsRead });
        firing = s.firing;
        scopes = s.rules.reduce((a, r) => a + r.scopes.length, 0);
      }
      // The rows in each rule's windows, counted in plain SQL: what one query per rule and window reads at the least.
      const at = clockMs;
      let current = 0;
      let shortCurrent = 0;
      let withBaselines = 0;
      for (const [i, r] of enabled.entries()) {
        for (const w of windowsOf(r, i, at, true)) {
          const n = await spansIn(w.fromMs, w.toMs);
          withBaselines += n;
          if (w.window === 'current') current += n;
          if (w.window === 'current' && !isLongWindow(r)) shortCurrent += n;
        }
      }
      const widestMs = Math.max(...enabled.flatMap((r, i) => windowsOf(r, i, at, true).map((w) => at - w.fromMs)));
      const union = await spansIn(at - widestMs, at);
      const result = {
        rules: enabled.length,
        scopes_judged: scopes,
        firing,
        full_poll_ms: Math.round(median(full.map((x) => x.ms))),
        full_poll_rows_read: median(full.map((x) => x.rows)),
        steady_poll_ms: Math.round(median(steady.map((x) => x.ms))),
        steady_poll_rows_read: median(steady.map((x) => x.rows)),
        rows_in_current_windows: current,
        // What a poll between two baseline refreshes must read: the windows shorter than 6 h.
        rows_in_short_windows: shortCurrent,
        rows_in_all_windows: withBaselines,
        rows_in_widest_window: union,
      };
      console.log(`${label}: ${JSON.stringify(result)}`);
      return result;
    };

    const defaults = await measure('default rules', defaultAlertRules());
    const all = await measure('a rule of every kind', everyKind());
    const result = {
      benchmark: 'alerts',
      spans_in_table: spansInTable,
      defaults,
      every_kind: all,
      // One query reads each span once however many rules share it; per-rule queries would read each window separately.
      defaults_steady_ratio: Number((defaults.steady_poll_rows_read / Math.max(1, defaults.rows_in_short_windows)).toFixed(2)),
      every_kind_steady_ratio: Number((all.steady_poll_rows_read / Math.max(1, all.rows_in_short_windows)).toFixed(2)),
      defaults_full_ratio: Number((defaults.full_poll_rows_read / Math.max(1, defaults.rows_in_all_windows)).toFixed(2)),
      every_kind_full_ratio: Number((all.full_poll_rows_read / Math.max(1, all.rows_in_all_windows)).toFixed(2)),
      goal: 'one query per evaluation, reading at most 1.5× the rows in the rules’ windows, plus 64 Ki rows at a poll between refreshes (granules, and the 5 min past the window kept for late child spans)',
      met: defaults.full_poll_rows_read <= 1.5 * defaults.rows_in_all_windows && all.full_poll_rows_read <= 1.5 * all.rows_in_all_windows && defaults.steady_poll_rows_read <= 1.5 * defaults.rows_in_short_windows + 65_536 && all.steady_poll_rows_read <= 1.5 * all.rows_in_short_windows + 65_536,
    };
    console.log(JSON.stringify(result));
  } finally {
    await closeAllClients();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

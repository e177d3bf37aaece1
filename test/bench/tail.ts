/**
 * npm run bench:tail — the live tail against re-running the last-15-minutes query (HyperDX's
 * way), on a sandbox filled with a few million spans whose durations look like LLM traffic.
 * Reports, in the same run: average read_rows per poll for both, that nothing inside the
 * horizon was missed or repeated; and the trace waterfall in Chromium: the first render of
 * 10,000- and 50,000-span traces next to a 10-span one, and a collapse and a filter at 50,000 spans.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright';
import { composeCore } from '../../electron/core/compose-core.js';
import { openConfFile } from '../../electron/core/profiles/conf-file.js';
import { projectRoot } from '../../electron/node-shared/app-files.js';
import { startSandbox } from '../../electron/sandbox/sandbox.js';
import { SpanTail } from '../../electron/core/traces/span-tail.js';
import { spanRowColumnsSql } from '../../electron/core/semantics/span-columns-sql.js';
import { describeTracesTable } from '../../electron/core/clickhouse/traces-table.js';
import { startWebBridge } from '../../electron/web/web-bridge.js';
import { CHROMIUM_PATH } from '../../playwright.config.js';
import { wideTraceSql } from '../support/wide-trace.js';
import { median, renderOnce, repeat, timeCollapse, timeFilter } from './waterfall-timing.js';

const TOTAL = Number(process.env.BENCH_SPANS ?? 3_000_000);
const POLLS = Number(process.env.BENCH_POLLS ?? 20);
const BATCH = Number(process.env.BENCH_BATCH ?? 300);
const SERVICE = 'tfy-llm-gateway';
const HORIZON_MS = 15 * 60_000;

const hex = (n: number) => randomBytes(n).toString('hex');
const dt = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

async function main() {
  if (!existsSync(join(projectRoot(), 'dist', 'renderer', 'index.html'))) throw new Error('Run `npm run build` first: the render half of this benchmark uses the built app.');
  const dataDir = mkdtempSync(join(tmpdir(), 'cst-bench-tail-'));
  const sandbox = await startSandbox({ dataDir });
  const engine = sandbox.engine;
  const now = Date.now();

  console.log(`filling ${TOTAL.toLocaleString()} spans over the last 24 h…`);
  const t0 = performance.now();
  // Durations like LLM traffic: most calls under 30 s, one in twenty several minutes long.
  await engine.query({
    sql: `INSERT INTO otel_traces (Timestamp, TraceId, SpanId, ParentSpanId, ServiceName, SpanName, SpanKind, Duration, StatusCode, SpanAttributes)
          SELECT fromUnixTimestamp64Milli(toInt64(${now} - 86400000 + intDiv(number * 86400000, ${TOTAL}))) AS ts,
                 lower(hex(MD5(toString(intDiv(number, 3))))), lower(substring(hex(MD5(toString(number))), 1, 16)), '',
                 if(number % 10 = 0, 'other-service', '${SERVICE}'), ['ChatCompletion', 'Model', 'Network Call'][number % 3 + 1], 'Server',
                 if(number % 20 = 0, 60000000000 + rand() % 240000000000, rand() % 30000000000),
                 if(number % 50 = 0, 'Error', 'Ok'),
                 map('tfy.request.model_name', ['openai-main/gpt-4o', 'anthropic/claude-3-5', 'openai-main/gpt-4o-mini'][number % 3 + 1], 'tfy.model.metric.input_tokens', toString(number % 2000))
          FROM numbers(${TOTAL})`,
    format: 'TabSeparated',
  });
  console.log(`filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const target = { url: sandbox.endpoints.clickhouse, user: 'default', password: '', database: 'default', table: 'otel_traces' };
  const table = await describeTracesTable(target);
  const tail = new SpanTail(table, { where: `ServiceName = '${SERVICE}'` });
  // The other strategies on the same table and the same inserts (replicated tables; View, Merge, Distributed).
  const others = { 'covered-blocks': new SpanTail(table, { where: `ServiceName = '${SERVICE}'`, strategy: 'covered-blocks' }), 'time-window': new SpanTail(table, { where: `ServiceName = '${SERVICE}'`, strategy: 'time-window' }) };
  const otherReads: Record<keyof typeof others, number[]> = { 'covered-blocks': [], 'time-window': [] };
  const otherShown: Record<keyof typeof others, Map<string, number>> = { 'covered-blocks': new Map(), 'time-window': new Map() };
  for (const t of Object.values(others)) await t.start();
  const shown = new Map<string, number>();
  const record = (spans: { traceId: string; spanId: string }[]) => {
    for (const s of spans) shown.set(`${s.traceId}:${s.spanId}`, (shown.get(`${s.traceId}:${s.spanId}`) ?? 0) + 1);
  };
  record((await tail.start()).spans);

  const expected = new Set<string>();
  const tailReads: number[] = [];
  const windowReads: number[] = [];
  const client = (await import('@clickhouse/client')).createClient({ url: target.url });
  for (let p = 0; p < POLLS; p++) {
    // One collector batch per poll interval: spans that just ended, some of them long calls that started minutes ago.
    const t = Date.now();
    const rows = Array.from({ length: BATCH }, (_, i) => {
      const duration = i % 20 === 0 ? 60_000 + Math.floor(Math.random() * 240_000) : Math.floor(Math.random() * 30_000);
      const row = { Timestamp: dt(t - duration), TraceId: hex(16), SpanId: hex(8), ServiceName: SERVICE, SpanName: 'ChatCompletion', SpanKind: 'Server', Duration: duration * 1_000_000, StatusCode: 'Ok' };
      expected.add(`${row.TraceId}:${row.SpanId}`);
      return row;
    });
    await client.insert({ table: 'otel_traces', values: rows, format: 'JSONEachRow' });
    const polled = await tail.poll();
    record(polled.spans);
    for (const [name, t] of Object.entries(others) as [keyof typeof others, SpanTail][]) {
      const r = await t.poll();
      otherReads[name].push(r.rowsRead);
      for (const sp of r.spans) otherShown[name].set(`${sp.traceId}:${sp.spanId}`, (otherShown[name].get(`${sp.traceId}:${sp.spanId}`) ?? 0) + 1);
    }
    tailReads.push(polled.rowsRead);
    const rs = await client.query({
      query: `SELECT ${spanRowColumnsSql(table.layout)} FROM otel_traces WHERE ServiceName = {s:String} AND Timestamp >= now64(3) - INTERVAL 15 MINUTE ORDER BY Timestamp DESC`,
      query_params: { s: SERVICE },
      format: 'JSON',
    });
    const body = (await rs.json()) as { statistics?: { rows_read: number } };
    windowReads.push(Number(body.statistics?.rows_read ?? 0));
  }
  const missed = [...expected].filter((k) => !shown.has(k)).length;
  const repeated = [...shown.values()].filter((n) => n > 1).length;
  await tail.close();

  await client.close();

  // The waterfall in Chromium: first render of 10,000- and 50,000-span traces next to a 10-span one, then a
  // collapse and a filter at 50,000 spans, each timed in the page (performance.now() until the next frame).
  const insertTrace = async (spans: number) => {
    const { traceId, sql } = wideTraceSql(spans);
    await engine.query({ sql, format: 'TabSeparated' });
    return traceId;
  };
  const small = await insertTrace(10);
  const big = await insertTrace(10_000);
  const huge = await insertTrace(50_000);

  const home = mkdtempSync(join(tmpdir(), 'cst-bench-tail-home-'));
  const { core, profiles } = composeCore({ transport: 'web', version: 'bench', dataDir: home, sandbox: null, openSettingsFile: openConfFile, keychainService: 'clickstack-tray-bench' });
  const p = await profiles.create({ name: 'Bench', otlpEndpoint: sandbox.endpoints.otlp, clickhouseUrl: sandbox.endpoints.clickhouse, healthUrl: sandbox.endpoints.health });
  await profiles.activate(p.id);
  const bridge = await startWebBridge({ core, staticDir: join(projectRoot(), 'dist', 'renderer') });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(bridge.launchUrl);
  await page.waitForSelector('#root[data-app-state="ready"]');
  const render = async (traceId: string) => median(await repeat(3, () => renderOnce(page, bridge.url, traceId)));
  const smallRender = await render(small);
  const bigRender = await render(big);
  const hugeRender = await render(huge);
  for (const [name, r] of [['10', smallRender], ['10,000', bigRender], ['50,000', hugeRender]] as const) if (r.otherCalls.length) console.log(`while the ${name}-span trace opened, the app also called: ${r.otherCalls.join(', ')}`);
  const collapse = await timeCollapse(page);
  const filter = await timeFilter(page);
  await browser.close();
  await bridge.close();
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });

  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const result = {
    benchmark: 'tail',
    spans_in_table: TOTAL,
    polls: POLLS,
    spans_per_poll: BATCH,
    horizon_min: HORIZON_MS / 60_000,
    tail_avg_read_rows_per_poll: Math.round(avg(tailReads)),
    covered_blocks_avg_read_rows_per_poll: Math.round(avg(otherReads['covered-blocks'])),
    time_window_avg_read_rows_per_poll: Math.round(avg(otherReads['time-window'])),
    other_strategies_missed: (['covered-blocks', 'time-window'] as const).map((n) => [...expected].filter((k) => !otherShown[n].has(k)).length).reduce((a, b) => a + b, 0),
    other_strategies_shown_twice: (['covered-blocks', 'time-window'] as const).map((n) => [...otherShown[n].values()].filter((c) => c > 1).length).reduce((a, b) => a + b, 0),
    window_query_avg_read_rows_per_poll: Math.round(avg(windowReads)),
    read_rows_ratio: Number((avg(windowReads) / Math.max(1, avg(tailReads))).toFixed(1)),
    missed_inside_horizon: missed,
    shown_twice: repeated,
    render_10_spans_ms: smallRender.totalMs,
    render_10000_spans_ms: bigRender.totalMs,
    render_ratio: Number((bigRender.totalMs / Math.max(1, smallRender.totalMs)).toFixed(2)),
    render_50000_spans_ms: hugeRender.totalMs,
    render_50000_ratio: Number((hugeRender.totalMs / Math.max(1, smallRender.totalMs)).toFixed(2)),
    render_10_fetch_ms: smallRender.fetchMs,
    render_10000_fetch_ms: bigRender.fetchMs,
    render_before_call_ms: smallRender.beforeCallMs,
    render_50000_fetch_ms: hugeRender.fetchMs,
    render_50000_rows_in_dom: hugeRender.rowsInDom,
    collapse_50000_ms: collapse.ms,
    collapse_50000_rows: `${collapse.before} → ${collapse.after}`,
    filter_50000_ms: filter.ms,
    filter_50000_rows: `${filter.before} → ${filter.after}`,
    goal: 'tail reads >= 10x fewer rows, nothing missed; waterfall first render 10,000 spans <= 300 ms and 50,000 <= 1,500 ms, collapse and filter at 50,000 < 100 ms',
    met:
      avg(windowReads) / Math.max(1, avg(tailReads)) >= 10 &&
      missed === 0 &&
      repeated === 0 &&
      [...expected].every((k) => otherShown['covered-blocks'].get(k) === 1 && otherShown['time-window'].get(k) === 1) &&
      bigRender.totalMs <= 300 &&
      hugeRender.totalMs <= 1_500 &&
      collapse.ms < 100 &&
      filter.ms < 100,
  };
  console.log(`tail: ${result.tail_avg_read_rows_per_poll.toLocaleString()} rows read per poll; last-15-min query: ${result.window_query_avg_read_rows_per_poll.toLocaleString()} (${result.read_rows_ratio}x)`);
  console.log(`inside the horizon: ${missed} missed, ${repeated} shown twice`);
  // What the page did after the answer arrived (parse, check, build the tree, render, the frame).
  const pageMs = (r: typeof smallRender) => r.totalMs - r.beforeCallMs - r.fetchMs;
  console.log(`first render of a trace: 10 spans ${smallRender.totalMs} ms (${smallRender.beforeCallMs} ms before the call, fetch ${smallRender.fetchMs}, page ${pageMs(smallRender)}), 10,000 spans ${bigRender.totalMs} ms (fetch ${bigRender.fetchMs}, page ${pageMs(bigRender)}), 50,000 spans ${hugeRender.totalMs} ms (fetch ${hugeRender.fetchMs}, page ${pageMs(hugeRender)}, ${hugeRender.rowsInDom} rows in the DOM)`);
  console.log(`at 50,000 spans: collapse ${collapse.ms} ms (${result.collapse_50000_rows} rows), filter ${filter.ms} ms (${result.filter_50000_rows} rows)`);
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

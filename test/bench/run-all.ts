/**
 * `npm run bench`: runs every benchmark in its own process (one chdb engine per process),
 * reads the JSON line each prints last, and writes BENCHMARKS.md with the date, the machine,
 * the command that reproduces each figure and its ratio to the baseline taken in the same run.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release, platform } from 'node:os';
import { z } from 'zod';

const Ingest = z.object({
  benchmark: z.literal('ingest'),
  spans_per_round: z.number(),
  batch_size: z.number(),
  receiver_spans_per_s: z.number(),
  direct_insert_spans_per_s: z.number(),
  ratio: z.number(),
  concurrent_senders: z.number(),
  receiver_concurrent_spans_per_s: z.number(),
  concurrent_ratio: z.number(),
  requests_per_insert: z.number(),
  grpc_spans_per_s: z.number(),
  grpc_ratio: z.number(),
  grpc_concurrent_spans_per_s: z.number(),
  grpc_concurrent_ratio: z.number(),
  goal: z.string(),
  met: z.boolean(),
});
const Idle = z.object({
  benchmark: z.literal('idle'),
  wall_s: z.number(),
  requests: z.number(),
  /** Alert evaluations (one query each) with the default rules on; older runs had none. */
  alert_evaluations: z.number().default(0),
  polls_per_target_per_interval: z.number(),
  baseline_cpu_percent_of_core: z.number(),
  monitoring_cpu_percent_of_core: z.number(),
  cpu_ratio_to_baseline: z.number(),
  rss_mb: z.number(),
  goal: z.string(),
  met: z.boolean(),
});
const Tail = z.object({
  benchmark: z.literal('tail'),
  spans_in_table: z.number(),
  tail_avg_read_rows_per_poll: z.number(),
  covered_blocks_avg_read_rows_per_poll: z.number(),
  time_window_avg_read_rows_per_poll: z.number(),
  other_strategies_missed: z.number(),
  other_strategies_shown_twice: z.number(),
  window_query_avg_read_rows_per_poll: z.number(),
  read_rows_ratio: z.number(),
  missed_inside_horizon: z.number(),
  shown_twice: z.number(),
  render_10_spans_ms: z.number(),
  render_10000_spans_ms: z.number(),
  render_ratio: z.number(),
  render_50000_spans_ms: z.number(),
  render_50000_ratio: z.number(),
  render_10_fetch_ms: z.number(),
  render_10000_fetch_ms: z.number(),
  render_50000_fetch_ms: z.number(),
  render_before_call_ms: z.number(),
  render_50000_rows_in_dom: z.number(),
  collapse_50000_ms: z.number(),
  collapse_50000_rows: z.string(),
  filter_50000_ms: z.number(),
  filter_50000_rows: z.string(),
  goal: z.string(),
  met: z.boolean(),
});

const Measured = z.object({ ms: z.number(), rows: z.number() });
const Summary = z.object({
  benchmark: z.literal('summary'),
  results: z.array(
    z.object({ layout: z.string(), spans: z.number(), requests_in_window: z.number(), preview: Measured, after_preview: Measured, summary: Measured, summary_again: Measured, reference: Measured, newest: Measured, hdx_newest: Measured, model: Measured, hdx_model: Measured }),
  ),
  tail_rows_read_per_poll: z.number(),
  tail_rows_inserted_per_poll: z.number(),
  goals: z.array(z.object({ goal: z.string(), met: z.boolean() })),
  met: z.boolean(),
});

const SearchBench = z.object({
  benchmark: z.literal('search'),
  spans_in_table: z.number(),
  results: z.array(z.object({ spans: z.number(), layout: z.string(), search: z.string(), query: z.string(), ours_rows: z.number(), hyperdx_rows: z.number(), ours_ms: z.number(), hyperdx_ms: z.number() })),
  first_search: z.array(z.object({ layout: z.string(), ours_ms: z.number(), ours_rows: z.number(), cold_ms: z.number(), hyperdx_ms: z.number(), hyperdx_rows: z.number() })),
  worst_rows_ratio: z.number(),
  worst_first_search_ratio: z.number(),
  goal: z.string(),
  met: z.boolean(),
});

const EvalFigures = z.object({
  rules: z.number(),
  scopes_judged: z.number(),
  full_poll_ms: z.number(),
  full_poll_rows_read: z.number(),
  steady_poll_ms: z.number(),
  steady_poll_rows_read: z.number(),
  rows_in_current_windows: z.number(),
  rows_in_short_windows: z.number(),
  rows_in_all_windows: z.number(),
  rows_in_widest_window: z.number(),
});
const Alerts = z.object({
  benchmark: z.literal('alerts'),
  spans_in_table: z.number(),
  defaults: EvalFigures,
  every_kind: EvalFigures,
  defaults_steady_ratio: z.number(),
  every_kind_steady_ratio: z.number(),
  defaults_full_ratio: z.number(),
  every_kind_full_ratio: z.number(),
  goal: z.string(),
  met: z.boolean(),
});

const Exporter = z.union([
  z.object({ benchmark: z.literal('exporter'), skipped: z.string() }),
  z.object({
    benchmark: z.literal('exporter'),
    spans_per_round: z.number(),
    exporter_spans_per_s: z.number(),
    receiver_spans_per_s: z.number(),
    ratio: z.number(),
    goal: z.string(),
    met: z.boolean(),
  }),
]);

interface Row {
  figure: string;
  measured: string;
  baseline: string;
  ratio: string;
}

interface Bench<T> {
  name: string;
  script: string;
  schema: z.ZodType<T>;
  rows: (r: T) => Row[];
  goal: (r: T) => string;
}

const n = (x: number) => x.toLocaleString('en-US');

const benches = [
  {
    name: 'ingest',
    script: 'test/bench/ingest.ts',
    schema: Ingest,
    goal: (r) => `receiver/direct ${r.goal} over HTTP and over gRPC: ${r.met ? 'met' : 'NOT met'}`,
    rows: (r) => [
      {
        figure: `OTLP/HTTP JSON ingest through the sandbox receiver (${n(r.spans_per_round)} spans, batches of ${n(r.batch_size)})`,
        measured: `${n(r.receiver_spans_per_s)} spans/s`,
        baseline: `${n(r.direct_insert_spans_per_s)} spans/s (the same rows inserted straight into the engine)`,
        ratio: String(r.ratio),
      },
      {
        figure: `the same through the receiver from ${r.concurrent_senders} concurrent senders (group commit: ${r.requests_per_insert} requests per insert over the whole run)`,
        measured: `${n(r.receiver_concurrent_spans_per_s)} spans/s`,
        baseline: `${n(r.direct_insert_spans_per_s)} spans/s (the same rows inserted straight into the engine, one insert per batch)`,
        ratio: String(r.concurrent_ratio),
      },
      {
        figure: `OTLP/gRPC protobuf ingest through the sandbox's gRPC receiver (the same spans, one connection)`,
        measured: `${n(r.grpc_spans_per_s)} spans/s`,
        baseline: `${n(r.direct_insert_spans_per_s)} spans/s (the same rows inserted straight into the engine)`,
        ratio: String(r.grpc_ratio),
      },
      {
        figure: `the same over gRPC from ${r.concurrent_senders} concurrent calls on that connection`,
        measured: `${n(r.grpc_concurrent_spans_per_s)} spans/s`,
        baseline: `${n(r.direct_insert_spans_per_s)} spans/s (the same rows inserted straight into the engine, one insert per batch)`,
        ratio: String(r.grpc_concurrent_ratio),
      },
    ],
  } satisfies Bench<z.infer<typeof Ingest>>,
  {
    name: 'idle',
    script: 'test/bench/idle.ts',
    schema: Idle,
    goal: (r) => `${r.goal}: ${r.met ? 'met' : 'NOT met'}`,
    rows: (r) => [
      {
        figure: `CPU while monitoring the pipeline (collector, OTLP and ClickHouse probes) and evaluating the default alert rules every 30 s (${r.wall_s} s, ${r.requests} requests of which ${r.alert_evaluations} alert evaluations, rss ${r.rss_mb} MB)`,
        measured: `${r.monitoring_cpu_percent_of_core}% of one core`,
        baseline: `${r.baseline_cpu_percent_of_core}% (the same app with monitoring off)`,
        // Near a zero baseline the ratio swings wildly; the absolute share of a core is the figure to read.
        ratio: `${r.cpu_ratio_to_baseline} (+${(r.monitoring_cpu_percent_of_core - r.baseline_cpu_percent_of_core).toFixed(3)} points of a core)`,
      },
      {
        figure: 'polls per target per 30 s interval while monitoring',
        measured: String(r.polls_per_target_per_interval),
        baseline: '1 (the configured interval; a poll never overlaps the previous one)',
        ratio: String(r.polls_per_target_per_interval),
      },
    ],
  } satisfies Bench<z.infer<typeof Idle>>,
  {
    name: 'tail',
    script: 'test/bench/tail.ts',
    schema: Tail,
    goal: (r) => `${r.goal} (${r.missed_inside_horizon} missed, ${r.shown_twice} shown twice): ${r.met ? 'met' : 'NOT met'}`,
    rows: (r) => [
      {
        figure: `rows read per live-tail poll on ${n(r.spans_in_table)} spans`,
        measured: `${n(r.tail_avg_read_rows_per_poll)} rows (cursor on new parts)`,
        baseline: `${n(r.window_query_avg_read_rows_per_poll)} rows (HyperDX-style last-15-minutes query)`,
        ratio: `${r.read_rows_ratio}× fewer`,
      },
      {
        figure: `rows read per poll, covered-blocks mode (replicated and ClickHouse Cloud tables), same table and inserts`,
        measured: `${n(r.covered_blocks_avg_read_rows_per_poll)} rows (parts not read yet)`,
        baseline: `${n(r.window_query_avg_read_rows_per_poll)} rows (HyperDX-style last-15-minutes query)`,
        ratio: `${(r.window_query_avg_read_rows_per_poll / Math.max(1, r.covered_blocks_avg_read_rows_per_poll)).toFixed(1)}× fewer`,
      },
      {
        figure: `rows read per poll, time-window mode (View, Merge, Distributed, no system.parts), same table and inserts; both modes: ${r.other_strategies_missed} missed, ${r.other_strategies_shown_twice} shown twice`,
        measured: `${n(r.time_window_avg_read_rows_per_poll)} rows (the horizon)`,
        baseline: `${n(r.window_query_avg_read_rows_per_poll)} rows (HyperDX-style last-15-minutes query)`,
        ratio: `${(r.window_query_avg_read_rows_per_poll / Math.max(1, r.time_window_avg_read_rows_per_poll)).toFixed(2)}× fewer`,
      },
      {
        figure: `first render of a trace waterfall in Chromium, opened from a loaded Explore (the address change to the first frame with rows; ${n(r.render_before_call_ms)} ms of routing and mounting before the trace call)`,
        measured: `${n(r.render_10000_spans_ms)} ms for 10,000 spans (trace call ${n(r.render_10000_fetch_ms)} ms)`,
        baseline: `${n(r.render_10_spans_ms)} ms for 10 spans (trace call ${n(r.render_10_fetch_ms)} ms)`,
        ratio: String(r.render_ratio),
      },
      {
        figure: `the same for 50,000 spans (HyperDX's limit; ${n(r.render_50000_rows_in_dom)} rows in the DOM)`,
        measured: `${n(r.render_50000_spans_ms)} ms (trace call ${n(r.render_50000_fetch_ms)} ms)`,
        baseline: `${n(r.render_10_spans_ms)} ms for 10 spans`,
        ratio: String(r.render_50000_ratio),
      },
      {
        figure: `collapse of a subtree at 50,000 spans (${r.collapse_50000_rows} rows), click to the next frame, median of 5`,
        measured: `${r.collapse_50000_ms} ms`,
        baseline: '100 ms (goal)',
        ratio: String(Number((r.collapse_50000_ms / 100).toFixed(2))),
      },
      {
        figure: `filter at 50,000 spans (${r.filter_50000_rows} rows), keystroke to the next frame, median of 5`,
        measured: `${r.filter_50000_ms} ms`,
        baseline: '100 ms (goal)',
        ratio: String(Number((r.filter_50000_ms / 100).toFixed(2))),
      },
    ],
  } satisfies Bench<z.infer<typeof Tail>>,
  {
    name: 'summary',
    script: 'test/bench/summary.ts',
    schema: Summary,
    goal: (r) => r.goals.map((g) => `${g.goal}: ${g.met ? 'met' : 'NOT met'}`).join('; ') + (r.met ? '' : ' — NOT met'),
    rows: (r) => [
      ...r.results.flatMap((x) => {
        const on = `${n(x.spans)} spans, ${x.layout}`;
        const ms = (m: { ms: number; rows: number }) => `${n(m.ms)} ms, ${n(m.rows)} rows read`;
        const ratio = (a: { ms: number; rows: number }, b: { ms: number; rows: number }) => `${(a.ms / Math.max(1, b.ms)).toFixed(2)} (time), ${(a.rows / Math.max(1, b.rows)).toFixed(2)} (rows)`;
        return [
          { figure: `traffic summary (per model, user, time bucket, MCP tool) of ${n(x.requests_in_window)} requests, ${on}: the first of the window, nothing cached`, measured: ms(x.summary), baseline: `${ms(x.reference)} (one GROUP BY model over the Model spans)`, ratio: ratio(x.summary, x.reference) },
          { figure: `Explore's first figures of the same window: its newest eighth, nothing cached (not under a goal; shown while the rest is read), ${on}`, measured: ms(x.preview), baseline: `${ms(x.reference)} (one GROUP BY model over the Model spans)`, ratio: ratio(x.preview, x.reference) },
          { figure: `Explore's whole summary after that first eighth (its slices reused), ${on}; first figures to whole: ${n(x.preview.ms + x.after_preview.ms)} ms`, measured: ms(x.after_preview), baseline: `${ms(x.summary)} (the same summary, nothing cached, read in one call)`, ratio: ratio(x.after_preview, x.summary) },
          { figure: `the same summary asked again a minute later (the window moved on; unchanged slices reused), ${on}`, measured: ms(x.summary_again), baseline: `${ms(x.reference)} (one GROUP BY model over the Model spans)`, ratio: ratio(x.summary_again, x.reference) },
          { figure: `the newest 200 requests, ${on}`, measured: ms(x.newest), baseline: `${ms(x.hdx_newest)} (HyperDX's search over root spans)`, ratio: ratio(x.newest, x.hdx_newest) },
          { figure: `one model's newest 200 requests, ${on}`, measured: ms(x.model), baseline: `${ms(x.hdx_model)} (HyperDX's search over root spans)`, ratio: ratio(x.model, x.hdx_model) },
        ];
      }),
      {
        figure: 'rows read per live-tail poll in the requests view (spans folded into requests in the page)',
        measured: `${n(r.tail_rows_read_per_poll)} rows`,
        baseline: `${n(r.tail_rows_inserted_per_poll)} rows inserted since the previous poll`,
        ratio: (r.tail_rows_read_per_poll / Math.max(1, r.tail_rows_inserted_per_poll)).toFixed(2),
      },
    ],
  } satisfies Bench<z.infer<typeof Summary>>,
  {
    name: 'search',
    script: 'test/bench/search.ts',
    schema: SearchBench,
    goal: (r) => `${r.goal}: ${r.met ? 'met' : 'NOT met'}`,
    rows: (r) => [
      ...r.first_search.flatMap((x) => [
        {
          figure: `the first search after a start (one conversation id; a fresh process that described the table in an earlier run and has made the monitor's first ClickHouse poll, as the app does before anyone can type), ${n(r.spans_in_table)} spans, ${x.layout}`,
          measured: `${n(x.ours_ms)} ms, ${n(x.ours_rows)} rows read by the search`,
          baseline: `${n(x.hyperdx_ms)} ms, ${n(x.hyperdx_rows)} rows (HyperDX's SQL for it, end to end)`,
          ratio: `${(x.ours_ms / Math.max(1, x.hyperdx_ms)).toFixed(2)} (time)`,
        },
        {
          figure: `the same in a fresh process that never saw the table (it is described on the search's path; not under the goal), ${x.layout}`,
          measured: `${n(x.cold_ms)} ms`,
          baseline: `${n(x.hyperdx_ms)} ms (HyperDX's SQL for it, end to end)`,
          ratio: `${(x.cold_ms / Math.max(1, x.hyperdx_ms)).toFixed(2)} (time)`,
        },
      ]),
      ...r.results.map((x) => ({
        figure: `${x.search} on ${n(x.spans)} spans, ${x.layout} (\`${x.query.replace(/\|/g, '\\|')}\`)`,
        measured: `${n(x.ours_rows)} rows, ${n(x.ours_ms)} ms`,
        baseline: `${n(x.hyperdx_rows)} rows, ${n(x.hyperdx_ms)} ms (HyperDX's SQL for the same search)`,
        ratio: `${(x.ours_rows / Math.max(1, x.hyperdx_rows)).toFixed(2)} (rows), ${(x.ours_ms / Math.max(1, x.hyperdx_ms)).toFixed(2)} (time)`,
      })),
    ],
  } satisfies Bench<z.infer<typeof SearchBench>>,
  {
    name: 'alerts',
    script: 'test/bench/alerts.ts',
    schema: Alerts,
    goal: (r) => `${r.goal}: ${r.met ? 'met' : 'NOT met'}`,
    rows: (r) => [
      {
        figure: `one evaluation of the default rules (${r.defaults.rules} on, ${r.defaults.scopes_judged} scopes) on ${n(r.spans_in_table)} spans, a poll between baseline refreshes`,
        measured: `${n(r.defaults.steady_poll_rows_read)} rows read, ${n(r.defaults.steady_poll_ms)} ms (one query)`,
        baseline: `${n(r.defaults.rows_in_short_windows)} rows in the rules' windows (plain SQL count)`,
        ratio: String(r.defaults_steady_ratio),
      },
      {
        figure: 'the same, at a poll that recomputes the previous 24 h (every 10 min)',
        measured: `${n(r.defaults.full_poll_rows_read)} rows read, ${n(r.defaults.full_poll_ms)} ms (one query)`,
        baseline: `${n(r.defaults.rows_in_all_windows)} rows in the rules' windows and their 24 h baselines, each counted`,
        ratio: String(r.defaults_full_ratio),
      },
      {
        figure: `a rule of every kind (${r.every_kind.rules} rules: error rate, p95 latency vs 24 h, p95 TTFT, cost per hour and per day, tokens per user and per team per day, a traffic floor, MCP tool errors; ${r.every_kind.scopes_judged} scopes), a poll between refreshes`,
        measured: `${n(r.every_kind.steady_poll_rows_read)} rows read, ${n(r.every_kind.steady_poll_ms)} ms (one query)`,
        baseline: `${n(r.every_kind.rows_in_short_windows)} rows in the windows shorter than 6 h`,
        ratio: String(r.every_kind_steady_ratio),
      },
      {
        figure: 'the same, at a poll that recomputes the 24 h baselines and the day-long windows',
        measured: `${n(r.every_kind.full_poll_rows_read)} rows read, ${n(r.every_kind.full_poll_ms)} ms (one query)`,
        baseline: `${n(r.every_kind.rows_in_all_windows)} rows in the rules' windows, each counted (one query per rule and window)`,
        ratio: String(r.every_kind_full_ratio),
      },
    ],
  } satisfies Bench<z.infer<typeof Alerts>>,
  {
    name: 'exporter',
    script: 'test/bench/exporter.ts',
    schema: Exporter,
    goal: (r) => ('skipped' in r ? `skipped (${r.skipped}): met` : `${r.goal}: ${r.met ? 'met' : 'NOT met'}`),
    rows: (r) =>
      'skipped' in r
        ? []
        : [
            {
              figure: `a real OpenTelemetry Collector writing into the sandbox with its ClickHouse exporter (Native + LZ4 over HTTP), ${n(r.spans_per_round)} spans sent in batches of 500, to queryable`,
              measured: `${n(r.exporter_spans_per_s)} spans/s`,
              baseline: `${n(r.receiver_spans_per_s)} spans/s (the same spans through the sandbox's OTLP receiver, one insert per request)`,
              ratio: String(r.ratio),
            },
          ],
  } satisfies Bench<z.infer<typeof Exporter>>,
] as const;

function run(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited with ${code}`))));
  });
}

/** The last line that parses as JSON: each benchmark prints its result there. */
function lastJson(out: string): unknown {
  for (const line of out.trim().split('\n').reverse()) {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      // a progress line
    }
  }
  throw new Error('the benchmark printed no JSON result');
}

async function main() {
  const only = process.argv.slice(2);
  const chosen = benches.filter((b) => only.length === 0 || only.includes(b.name));
  const date = new Date().toISOString();
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${platform()} ${release()}, Node ${process.versions.node}`;
  // A partial run (`npm run bench -- tail`) replaces only its sections; the others keep their own date.
  const sections = new Map<string, string>(existsSync('BENCHMARKS.md') && only.length > 0 ? existingSections(readFileSync('BENCHMARKS.md', 'utf8')) : []);
  let allMet = true;
  for (const bench of chosen) {
    console.log(`\n=== bench:${bench.name} ===`);
    const t0 = performance.now();
    const raw = lastJson(await run(bench.script));
    const seconds = ((performance.now() - t0) / 1000).toFixed(0);
    // A benchmark's output is a file-like boundary: check it before it reaches the report.
    const section = renderSection(bench as Bench<unknown>, raw, seconds, `${date} on ${machine}`);
    allMet &&= section.met;
    sections.set(bench.name, section.text);
  }
  const ordered = [...benches.map((b) => b.name).filter((name) => sections.has(name)).map((name) => sections.get(name)!)];
  const report = [
    '# Benchmarks',
    '',
    'Every ratio is against a baseline measured in the same run on the same machine; absolute figures vary with the machine, ratios much less.',
    'Regenerate with `npm run bench` (all) or `npm run bench -- <name>` (that section only).',
    '',
    ...ordered,
  ].join('\n');
  writeFileSync('BENCHMARKS.md', `${report}\n`);
  console.log(`\nwrote BENCHMARKS.md (${chosen.length} benchmarks run, goals ${allMet ? 'all met' : 'NOT all met'})`);
}

/** The `## name` sections of an existing report, by name. */
function existingSections(text: string): [string, string][] {
  return text
    .split(/^(?=## )/m)
    .filter((part) => part.startsWith('## '))
    .map((part) => [part.slice(3, part.indexOf('\n')).trim(), part.trimEnd() + '\n']);
}

function renderSection(bench: Bench<unknown>, raw: unknown, seconds: string, when: string): { text: string; met: boolean } {
  const parsed = bench.schema.safeParse(raw);
  if (!parsed.success) throw new Error(`bench:${bench.name} printed an unexpected result: ${parsed.error.message}`);
  const result = parsed.data;
  const table = bench.rows(result).map((r) => `| ${r.figure} | ${r.measured} | ${r.baseline} | ${r.ratio} |`);
  const goal = bench.goal(result);
  return {
    met: !goal.endsWith('NOT met'),
    text: [
      `## ${bench.name}`,
      '',
      `Measured ${when}.`,
      '',
      `Command: \`npm run bench:${bench.name}\` (took ${seconds} s). Goal: ${goal}.`,
      '',
      '| Figure | Measured | Baseline (same run) | Ratio |',
      '| --- | --- | --- | --- |',
      ...table,
      '',
    ].join('\n'),
  };
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

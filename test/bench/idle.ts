/**
 * npm run bench:idle — what the core costs while it just watches: CPU time and memory of
 * this process with default polling (30 s) over a fixed wall time, and the requests made,
 * next to a baseline window of the same length in the same process with monitoring off.
 * The default alert rules are on (one evaluation, one query, per interval). Goal: one request
 * per target per interval, under 1% of one core.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeCore } from '../../electron/core/compose-core.js';
import { openConfFile } from '../../electron/core/profiles/conf-file.js';
import { SandboxSupervisor } from '../../electron/core/sandbox-supervisor.js';
import { SANDBOX_CLI } from '../support/sandbox.js';

const WALL_S = Number(process.env.BENCH_IDLE_SECONDS ?? 95);

function sample() {
  const cpu = process.cpuUsage();
  return { cpuMs: (cpu.user + cpu.system) / 1000, at: performance.now() };
}

async function window(seconds: number) {
  if (global.gc) global.gc();
  const start = sample();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const end = sample();
  const cpuMs = end.cpuMs - start.cpuMs;
  const wallMs = end.at - start.at;
  return { cpuMs, wallMs, percentOfCore: (100 * cpuMs) / wallMs, rssMb: process.memoryUsage().rss / 2 ** 20, heapMb: process.memoryUsage().heapUsed / 2 ** 20 };
}

async function main() {
  const home = mkdtempSync(join(tmpdir(), 'cst-bench-idle-'));
  const sandbox = new SandboxSupervisor({ command: { execPath: process.execPath, args: SANDBOX_CLI }, dataDir: join(home, 'sandbox') });
  const { core, pipeline, alerts } = composeCore({ transport: 'web', version: 'bench', dataDir: home, sandbox, openSettingsFile: openConfFile, keychainService: 'clickstack-tray-bench' });
  await sandbox.start();
  // Let start-up work (module loading, JIT, the sandbox's first output) settle before measuring.
  await new Promise((r) => setTimeout(r, 10_000));

  console.log(`baseline: ${WALL_S} s with monitoring off…`);
  const baseline = await window(WALL_S);

  await core.start();
  await new Promise((r) => setTimeout(r, 2000)); // first polls and warm-up, not counted
  const monitor = pipeline.monitor('local-sandbox')!;
  const polled = () => ({ collector: monitor.poller('collector')!.polls, otlp: monitor.poller('otlp')!.polls, clickhouse: monitor.poller('clickhouse')!.polls });
  const before = polled();
  const alertsBefore = alerts.polls('local-sandbox');
  console.log(`monitoring: ${WALL_S} s with default polling (30 s)…`);
  const watched = await window(WALL_S);
  const after = polled();
  const alertEvaluations = alerts.polls('local-sandbox') - alertsBefore;
  const polls = { collector: after.collector - before.collector, otlp: after.otlp - before.otlp, clickhouse: after.clickhouse - before.clickhouse };
  await core.stop();
  rmSync(home, { recursive: true, force: true });

  const intervals = WALL_S / 30;
  const result = {
    benchmark: 'idle',
    wall_s: WALL_S,
    poll_interval_s: 30,
    collector_polls: polls.collector,
    otlp_polls: polls.otlp,
    clickhouse_polls: polls.clickhouse,
    // Each poll is one request: a health_check GET, an empty OTLP export, or one ClickHouse query.
    alert_evaluations: alertEvaluations,
    requests: polls.collector + polls.otlp + polls.clickhouse + alertEvaluations,
    polls_per_target_per_interval: Number(((polls.collector + polls.otlp + polls.clickhouse) / 3 / intervals).toFixed(2)),
    baseline_cpu_percent_of_core: Number(baseline.percentOfCore.toFixed(3)),
    monitoring_cpu_percent_of_core: Number(watched.percentOfCore.toFixed(3)),
    added_cpu_percent_of_core: Number((watched.percentOfCore - baseline.percentOfCore).toFixed(3)),
    cpu_ratio_to_baseline: Number((watched.cpuMs / Math.max(baseline.cpuMs, 0.001)).toFixed(2)),
    rss_mb: Number(watched.rssMb.toFixed(1)),
    heap_mb: Number(watched.heapMb.toFixed(1)),
    goal: 'one poll per target per interval, < 1% of one core, default alert rules on',
    met: watched.percentOfCore < 1,
  };
  console.log(`polls per target per 30 s interval: ${result.polls_per_target_per_interval} (${result.requests} requests in ${WALL_S} s, ${alertEvaluations} of them alert evaluations)`);
  console.log(`CPU: ${result.monitoring_cpu_percent_of_core}% of one core while monitoring, ${result.baseline_cpu_percent_of_core}% idle baseline (ratio ${result.cpu_ratio_to_baseline})`);
  console.log(`memory: rss ${result.rss_mb} MB, heap ${result.heap_mb} MB`);
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

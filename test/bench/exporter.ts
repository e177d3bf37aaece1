/**
 * npm run bench:exporter — spans/s from sending to queryable when a stock OpenTelemetry
 * Collector writes into the sandbox with its ClickHouse exporter (clickhouse-go over HTTP:
 * Native blocks, LZ4, CityHash128 checksums, through the sandbox's ClickHouse endpoint),
 * against the same spans through the sandbox's own OTLP receiver, in the same run.
 * Needs the collector built by scripts/build-collector.sh; says so and skips otherwise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../electron/sandbox/sandbox.js';
import { collectorBinary, startCollector } from '../support/collector.js';
import { gatewayBatch } from './gateway-batch.js';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 40);
const SPANS_PER_BATCH = 500;
const ROUNDS = 3;

async function main() {
  const binary = collectorBinary();
  if ('missing' in binary) {
    console.log(`skipped: ${binary.missing}`);
    console.log(JSON.stringify({ benchmark: 'exporter', skipped: binary.missing }));
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'cst-bench-exporter-'));
  const sandbox = await startSandbox({ dataDir });
  await sandbox.engine.query({ sql: 'CREATE DATABASE exporter', format: 'TabSeparated' });
  await sandbox.engine.query({ sql: 'CREATE TABLE exporter.otel_traces AS default.otel_traces', format: 'TabSeparated' });
  const collector = await startCollector(binary.path, { clickhouse: { url: sandbox.endpoints.clickhouse, database: 'exporter' }, batchTimeout: '100ms' });
  const total = BATCHES * SPANS_PER_BATCH;
  const count = async (db: string) => Number((await sandbox.engine.query({ sql: `SELECT count() FROM ${db}.otel_traces`, format: 'TabSeparated' })).data.toString());

  /** Sends every batch, then waits until all of them can be queried: the rate a user sees. */
  async function run(otlp: string, db: string): Promise<number> {
    const bodies = Array.from({ length: BATCHES }, (_, b) => gatewayBatch(b, SPANS_PER_BATCH));
    const before = await count(db);
    const t0 = performance.now();
    for (const body of bodies) {
      const res = await fetch(otlp, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      if (res.status !== 200) throw new Error(`${otlp} answered ${res.status}: ${await res.text()}`);
    }
    while ((await count(db)) < before + total) {
      if (performance.now() - t0 > 120_000) throw new Error(`only ${(await count(db)) - before} of ${total} spans arrived in ${db} within 2 minutes`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return total / ((performance.now() - t0) / 1000);
  }

  await run(collector.otlp, 'exporter'); // warm-up, not counted
  await run(sandbox.endpoints.otlp, 'default');
  const viaExporter: number[] = [];
  const viaReceiver: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      viaExporter.push(await run(collector.otlp, 'exporter'));
      viaReceiver.push(await run(sandbox.endpoints.otlp, 'default'));
    } else {
      viaReceiver.push(await run(sandbox.endpoints.otlp, 'default'));
      viaExporter.push(await run(collector.otlp, 'exporter'));
    }
  }
  await collector.stop();
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const exporter = median(viaExporter);
  const receiver = median(viaReceiver);
  const result = {
    benchmark: 'exporter',
    spans_per_round: total,
    exporter_spans_per_s: Math.round(exporter),
    receiver_spans_per_s: Math.round(receiver),
    ratio: Number((exporter / receiver).toFixed(3)),
    goal: '>= 0.25 (a stock collector is a usable way to fill the sandbox)',
    met: exporter / receiver >= 0.25,
  };
  console.log(`real collector → ClickHouse exporter → sandbox: ${result.exporter_spans_per_s.toLocaleString()} spans/s to queryable`);
  console.log(`sandbox OTLP receiver (baseline, same run):     ${result.receiver_spans_per_s.toLocaleString()} spans/s to queryable`);
  console.log(`ratio: ${result.ratio}`);
  console.log(JSON.stringify(result));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

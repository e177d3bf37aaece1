/**
 * npm run bench:ingest — spans/s through the sandbox's OTLP/HTTP receiver (HTTP, JSON
 * decoding, validation, row conversion, insert) and its OTLP/gRPC receiver (HTTP/2, protobuf
 * decoding, the same rest) against spans/s for inserting the same rows straight into the
 * engine, measured in the same run. Goal: each ratio >= 0.5.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../electron/sandbox/sandbox.js';
import { gatewayBatch } from './gateway-batch.js';
import { decodeJsonTraceRequest } from '../../electron/sandbox/otlp/json-decoder.js';
import { rowsToJsonEachRow, traceRequestToRows } from '../../electron/sandbox/otlp/span-rows.js';
import { jsonRequestToProto } from '../../electron/core/otlp/otlp-proto.js';
import { exportRaw, rawClient } from '../support/otlp-grpc.js';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 40);
const SPANS_PER_BATCH = Number(process.env.BENCH_BATCH_SIZE ?? 500);
const ROUNDS = 5;
const CONCURRENT = 8;

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'cst-bench-ingest-'));
  const sandbox = await startSandbox({ dataDir });
  await sandbox.engine.query({ sql: 'CREATE TABLE default.direct_traces AS default.otel_traces', format: 'TabSeparated' });
  const bodies = Array.from({ length: BATCHES }, (_, b) => gatewayBatch(b, SPANS_PER_BATCH));
  // The baseline gets rows already converted: it measures the engine's insert alone.
  const rowPayloads = bodies.map((b) => rowsToJsonEachRow(traceRequestToRows(decodeJsonTraceRequest(Buffer.from(b))).rows));
  const total = BATCHES * SPANS_PER_BATCH;
  const protoBodies = bodies.map((b) => jsonRequestToProto(b));
  // One connection, as a gateway's gRPC exporter keeps one open.
  const grpcClient = rawClient(sandbox.endpoints.otlpGrpc);
  async function grpcSend(body: Buffer): Promise<void> {
    const answer = await exportRaw(sandbox.endpoints.otlpGrpc, body, { client: grpcClient });
    if (answer.code !== 0) throw new Error(`gRPC receiver answered ${answer.code}: ${answer.details}`);
  }
  /**
   * Every timed run starts on an empty table: otherwise the receiver's table, which takes four
   * runs per round to the baseline's one, has more parts and its background merges compete
   * for the same two cores — a handicap of the set-up, not of the receiver.
   */
  async function emptyTables(): Promise<void> {
    for (const t of ['default.otel_traces', 'default.direct_traces']) await sandbox.engine.query({ sql: `TRUNCATE TABLE ${t}`, format: 'TabSeparated' });
  }
  async function viaGrpc(senders: number): Promise<number> {
    await emptyTables();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: senders }, async () => {
        while (next < protoBodies.length) await grpcSend(protoBodies[next++]!);
      }),
    );
    return total / ((performance.now() - t0) / 1000);
  }

  async function viaReceiver(): Promise<number> {
    await emptyTables();
    const t0 = performance.now();
    for (const body of bodies) {
      const res = await fetch(sandbox.endpoints.otlp, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      if (res.status !== 200) throw new Error(`receiver answered ${res.status}: ${await res.text()}`);
    }
    return total / ((performance.now() - t0) / 1000);
  }
  /** The same bodies from CONCURRENT senders at once, as a gateway with several exporter workers sends them. */
  async function viaReceiverConcurrently(): Promise<number> {
    await emptyTables();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENT }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++]!;
          const res = await fetch(sandbox.endpoints.otlp, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
          if (res.status !== 200) throw new Error(`receiver answered ${res.status}: ${await res.text()}`);
        }
      }),
    );
    return total / ((performance.now() - t0) / 1000);
  }
  async function direct(): Promise<number> {
    await emptyTables();
    const t0 = performance.now();
    for (const payload of rowPayloads) await sandbox.engine.insertJsonEachRow('default.direct_traces', payload);
    return total / ((performance.now() - t0) / 1000);
  }

  await direct(); // warm-up, not counted
  await viaReceiver();
  await viaGrpc(1);
  const grpcRates: number[] = [];
  const grpcConcurrentRates: number[] = [];
  const receiverRates: number[] = [];
  const concurrentRates: number[] = [];
  const directRates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate the order so drift on a noisy machine hits both sides alike.
    if (r % 2 === 0) {
      receiverRates.push(await viaReceiver());
      grpcRates.push(await viaGrpc(1));
      concurrentRates.push(await viaReceiverConcurrently());
      grpcConcurrentRates.push(await viaGrpc(CONCURRENT));
      directRates.push(await direct());
    } else {
      directRates.push(await direct());
      grpcConcurrentRates.push(await viaGrpc(CONCURRENT));
      concurrentRates.push(await viaReceiverConcurrently());
      grpcRates.push(await viaGrpc(1));
      receiverRates.push(await viaReceiver());
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const receiver = median(receiverRates);
  const baseline = median(directRates);
  const ratio = receiver / baseline;
  const concurrent = median(concurrentRates);
  const grpc = median(grpcRates);
  const grpcConcurrent = median(grpcConcurrentRates);
  const inserts = { requests: sandbox.ingest.commits.payloads, inserts: sandbox.ingest.commits.inserts };
  grpcClient.close();
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });

  const result = {
    benchmark: 'ingest',
    spans_per_round: total,
    batch_size: SPANS_PER_BATCH,
    rounds: ROUNDS,
    receiver_spans_per_s: Math.round(receiver),
    direct_insert_spans_per_s: Math.round(baseline),
    ratio: Number(ratio.toFixed(3)),
    concurrent_senders: CONCURRENT,
    receiver_concurrent_spans_per_s: Math.round(concurrent),
    concurrent_ratio: Number((concurrent / baseline).toFixed(3)),
    requests_per_insert: Number((inserts.requests / Math.max(1, inserts.inserts)).toFixed(2)),
    grpc_spans_per_s: Math.round(grpc),
    grpc_ratio: Number((grpc / baseline).toFixed(3)),
    grpc_concurrent_spans_per_s: Math.round(grpcConcurrent),
    grpc_concurrent_ratio: Number((grpcConcurrent / baseline).toFixed(3)),
    goal: '>= 0.5',
    met: ratio >= 0.5 && grpc / baseline >= 0.5,
  };
  console.log(`OTLP receiver:        ${result.receiver_spans_per_s.toLocaleString()} spans/s`);
  console.log(`OTLP receiver, ${CONCURRENT} senders: ${result.receiver_concurrent_spans_per_s.toLocaleString()} spans/s (${result.requests_per_insert} requests per insert overall)`);
  console.log(`OTLP/gRPC receiver:   ${result.grpc_spans_per_s.toLocaleString()} spans/s; ${CONCURRENT} senders: ${result.grpc_concurrent_spans_per_s.toLocaleString()} spans/s`);
  console.log(`direct engine insert: ${result.direct_insert_spans_per_s.toLocaleString()} spans/s (baseline, same run)`);
  console.log(`ratio:                ${result.ratio} (goal >= 0.5: ${result.met ? 'met' : 'NOT met'})`);
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/** Starts the whole sandbox in this process: engine, schema, ClickHouse endpoint, OTLP/HTTP and OTLP/gRPC receivers, health. */
import { ClickHouseHttpServer } from './clickhouse-http.js';
import { Engine } from './engine.js';
import { HealthServer } from './health-server.js';
import { StorageCheck } from './storage-check.js';
import { InsertJournal } from './insert-journal.js';
import { OtlpReceiver } from './otlp-receiver.js';
import { OtlpGrpcReceiver } from './otlp-grpc-receiver.js';
import { SpanIngest } from './span-ingest.js';
import { DEFAULT_SCHEMA, quoteIdentifier, schemaDdl, type SchemaVariant } from './schema.js';
import { listenOn } from '../node-shared/port-in-use.js';

export interface SandboxOptions {
  dataDir: string;
  otlpPort?: number;
  otlpGrpcPort?: number;
  clickhousePort?: number;
  healthPort?: number;
  schema?: SchemaVariant;
  database?: string;
  authToken?: string;
  clickhousePassword?: string;
  /** A read-only ClickHouse user beside `default` (ClickHouse's readonly = 1 profile). */
  clickhouseReadOnlyUser?: { user: string; password: string };
}

export interface RunningSandbox {
  /** `otlpGrpc` is host:port, as gRPC clients take it; the others are URLs. */
  endpoints: { otlp: string; otlpGrpc: string; clickhouse: string; health: string };
  engine: Engine;
  receiver: OtlpReceiver;
  grpcReceiver: OtlpGrpcReceiver;
  /** Where both receivers store: group commit, counts, the last insert's outcome. */
  ingest: SpanIngest;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const database = options.database ?? 'default';
  const engine = Engine.open(options.dataDir);
  try {
    if (database !== 'default') await engine.query({ sql: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}`, format: 'TabSeparated' });
    await engine.query({ sql: schemaDdl(options.schema ?? DEFAULT_SCHEMA, database), format: 'TabSeparated' });
  } catch (error) {
    await engine.close();
    throw error;
  }
  quoteIdentifier(database); // validates: chdb's insert takes a plain db.table name
  const table = `${database}.otel_traces`;
  // Requests spanning several days are inserted whole: dedup window on, and what a killed process left, inserted now.
  const journal = new InsertJournal(engine, table, options.dataDir);
  await journal.enableDeduplication();
  const replay = await journal.replay();
  // The exporter's JSON layout stores attributes typed, with each map's keys in an array column, as that exporter writes them.
  const ingest = new SpanIngest(engine, table, journal, { jsonAttributes: options.schema === 'exporter-json' });
  const storage = new StorageCheck(engine, database, options.dataDir, () => ingest.lastInsert);
  await storage.findSetAside('otel_traces');
  storage.noteDamagedJournal(replay.setAside.length, journal.damagedDir);
  const clickhouse = new ClickHouseHttpServer({ engine, port: options.clickhousePort, password: options.clickhousePassword, ...(options.clickhouseReadOnlyUser ? { readOnlyUser: options.clickhouseReadOnlyUser } : {}), onEngineError: (code, message) => storage.noteEngineError(code, message) });
  const receiver = new OtlpReceiver({ ingest, port: options.otlpPort, authToken: options.authToken });
  const grpcReceiver = new OtlpGrpcReceiver({ ingest, port: options.otlpGrpcPort, authToken: options.authToken });
  const health = new HealthServer(() => storage.state(), engine);
  // A port another program holds is named with the flag that chooses it (the options are the `sandbox` command's flags).
  const listening = Promise.all([
    listenOn(clickhouse.listen(), options.clickhousePort, 'the sandbox’s ClickHouse HTTP endpoint', '--clickhouse-port'),
    listenOn(receiver.listen(), options.otlpPort, 'the sandbox’s OTLP/HTTP receiver', '--otlp-port'),
    listenOn(grpcReceiver.listen(), options.otlpGrpcPort, 'the sandbox’s OTLP/gRPC receiver', '--otlp-grpc-port'),
    listenOn(health.listen(options.healthPort), options.healthPort, 'the sandbox’s health_check endpoint', '--health-port'),
  ]);
  let ports: [number, number, number, number];
  try {
    ports = await listening;
  } catch (error) {
    // The servers that did start hold their ports and the engine its data folder: let them go before saying why.
    await Promise.allSettled([receiver.close(), grpcReceiver.close(), clickhouse.close(), health.close()]);
    await engine.close();
    throw error;
  }
  const [chPort, otlpPort, grpcPort, healthPort] = ports;
  return {
    endpoints: {
      otlp: `http://127.0.0.1:${otlpPort}/v1/traces`,
      otlpGrpc: `127.0.0.1:${grpcPort}`,
      clickhouse: `http://127.0.0.1:${chPort}`,
      health: `http://127.0.0.1:${healthPort}/`,
    },
    engine,
    receiver,
    grpcReceiver,
    ingest,
    close: async () => {
      await Promise.all([receiver.close(), grpcReceiver.close(), clickhouse.close(), health.close()]);
      await engine.close();
    },
  };
}

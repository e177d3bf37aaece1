/** Starts the whole sandbox in this process: engine, schema, ClickHouse endpoint, OTLP receiver, health. */
import { ClickHouseHttpServer } from './clickhouse-http.js';
import { Engine } from './engine.js';
import { HealthServer } from './health-server.js';
import { StorageCheck } from './storage-check.js';
import { InsertJournal } from './insert-journal.js';
import { OtlpReceiver } from './otlp-receiver.js';
import { quoteIdentifier, schemaDdl, type SchemaVariant } from './schema.js';

export interface SandboxOptions {
  dataDir: string;
  otlpPort?: number;
  clickhousePort?: number;
  healthPort?: number;
  schema?: SchemaVariant;
  database?: string;
  authToken?: string;
  clickhousePassword?: string;
}

export interface RunningSandbox {
  endpoints: { otlp: string; clickhouse: string; health: string };
  engine: Engine;
  receiver: OtlpReceiver;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const database = options.database ?? 'default';
  const engine = Engine.open(options.dataDir);
  try {
    if (database !== 'default') await engine.query({ sql: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}`, format: 'TabSeparated' });
    await engine.query({ sql: schemaDdl(options.schema ?? 'clickstack', database), format: 'TabSeparated' });
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
  let receiver: OtlpReceiver | null = null;
  const storage = new StorageCheck(engine, database, options.dataDir, () => receiver?.lastInsert ?? null);
  await storage.findSetAside('otel_traces');
  storage.noteDamagedJournal(replay.setAside.length, journal.damagedDir);
  const clickhouse = new ClickHouseHttpServer({ engine, port: options.clickhousePort, password: options.clickhousePassword, onEngineError: (code, message) => storage.noteEngineError(code, message) });
  receiver = new OtlpReceiver({ engine, table, port: options.otlpPort, authToken: options.authToken, journal });
  const health = new HealthServer(() => storage.state());
  const [chPort, otlpPort, healthPort] = await Promise.all([clickhouse.listen(), receiver.listen(), health.listen(options.healthPort)]);
  return {
    endpoints: {
      otlp: `http://127.0.0.1:${otlpPort}/v1/traces`,
      clickhouse: `http://127.0.0.1:${chPort}`,
      health: `http://127.0.0.1:${healthPort}/`,
    },
    engine,
    receiver,
    close: async () => {
      await Promise.all([receiver.close(), clickhouse.close(), health.close()]);
      await engine.close();
    },
  };
}

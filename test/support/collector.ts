/**
 * The real OpenTelemetry Collector (built by scripts/build-collector.sh) on free loopback
 * ports, with a config shaped like ClickStack's standalone one: OTLP/HTTP and OTLP/gRPC, health_check,
 * memory_limiter, batch 5 s, and the optional token checked the way ClickStack does it
 * (`authorization: <token>`, no "Bearer"). It exports with the ClickHouse exporter into a
 * sandbox's ClickHouse endpoint, or with the OTLP/HTTP exporter into a receiver.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningCollector {
  otlp: string;
  /** host:port of its OTLP/gRPC receiver. */
  otlpGrpc: string;
  health: string;
  /** Stops the process (SIGTERM: the batch is flushed, as on a real shutdown). */
  stop(): Promise<void>;
  log(): string;
}

export interface CollectorOptions {
  /** ClickHouse HTTP endpoint for the clickhouse exporter. */
  clickhouse?: { url: string; database: string; password?: string };
  /** OTLP/HTTP traces URL for the otlphttp exporter. */
  otlpExport?: string;
  /** ClickStack's OTLP_AUTH_TOKEN; passed by environment, never on the command line or in the file. */
  token?: string;
  batchTimeout?: string;
  /** The clickhouse exporter's `compress`: lz4 is its default (and what ClickStack runs). */
  compress?: 'lz4' | 'gzip' | 'none';
  /** The exporter's create_schema (its default is true: CREATE … IF NOT EXISTS at start). */
  createSchema?: boolean;
}

/** Where the built collector is, or why the tests that need it cannot run. */
export function collectorBinary(): { path: string } | { missing: string } {
  const path = execFileSync('bash', ['scripts/build-collector.sh', '--path'], { encoding: 'utf8' }).trim();
  return existsSync(path) ? { path } : { missing: `the OpenTelemetry Collector is not built (${path}); run scripts/build-collector.sh (needs Go), as .ci/run does` };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

function configYaml(o: CollectorOptions, otlpPort: number, healthPort: number, grpcPort: number): string {
  const exporters: string[] = [];
  const names: string[] = [];
  if (o.clickhouse) {
    names.push('clickhouse');
    exporters.push(`  clickhouse:
    endpoint: ${o.clickhouse.url}
    database: ${o.clickhouse.database}
    traces_table_name: otel_traces
    create_schema: ${o.createSchema ?? false}
    username: default
    password: \${env:CLICKHOUSE_PASSWORD}
    compress: ${o.compress ?? 'lz4'}
    timeout: 10s`);
  }
  if (o.otlpExport) {
    names.push('otlphttp');
    exporters.push(`  otlphttp:
    traces_endpoint: ${o.otlpExport}
    encoding: json
    compression: none`);
  }
  return `extensions:
  health_check:
    endpoint: 127.0.0.1:${healthPort}
${o.token ? `  bearertokenauth:\n    scheme: ""\n    token: \${env:OTLP_AUTH_TOKEN}\n` : ''}
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${otlpPort}
${o.token ? '        auth:\n          authenticator: bearertokenauth\n' : ''}      grpc:
        endpoint: 127.0.0.1:${grpcPort}
${o.token ? '        auth:\n          authenticator: bearertokenauth\n' : ''}
processors:
  memory_limiter:
    check_interval: 1s
    limit_mib: 512
  batch:
    timeout: ${o.batchTimeout ?? '5s'}
    send_batch_size: 10000

exporters:
${exporters.join('\n')}

service:
  extensions: [health_check${o.token ? ', bearertokenauth' : ''}]
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [${names.join(', ')}]
`;
}

export async function startCollector(binary: string, options: CollectorOptions): Promise<RunningCollector> {
  const [otlpPort, healthPort, grpcPort] = [await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'cst-otelcol-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, configYaml(options, otlpPort, healthPort, grpcPort));
  const child: ChildProcess = spawn(binary, ['--config', config], {
    env: { ...process.env, OTLP_AUTH_TOKEN: options.token ?? '', CLICKHOUSE_PASSWORD: options.clickhouse?.password ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const health = `http://127.0.0.1:${healthPort}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the collector exited at start:\n${output.slice(-2000)}`);
    const up = await fetch(health).then((r) => r.status === 200, () => false);
    if (up) break;
    if (Date.now() > deadline) throw new Error(`the collector's health_check did not answer within 30 s:\n${output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    otlp: `http://127.0.0.1:${otlpPort}/v1/traces`,
    otlpGrpc: `127.0.0.1:${grpcPort}`,
    health,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

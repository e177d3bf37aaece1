/** `clickstack-tray sandbox`: runs the embedded ClickStack in the foreground and prints one ready line. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { appDataDir, sandboxDataDir } from '../core/app-paths.js';
import { startSandbox } from '../sandbox/sandbox.js';
import { DEFAULT_SCHEMA, SCHEMA_VARIANTS, type SchemaVariant } from '../sandbox/schema.js';
import { acquireInstanceLock, heldMessage, LOCKED_EXIT_CODE } from '../node-shared/instance-lock.js';
import { parsePort, secretFromEnv } from './options.js';
import { PORT_IN_USE_EXIT_CODE, PortInUseError } from '../node-shared/port-in-use.js';

/** A user name for --readonly-user: a plain name, not the sandbox's full user. */
function readOnlyUserName(value: string): string {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(value)) throw new InvalidArgumentError(`"${value.slice(0, 64)}" is not a user name (1-64 letters, digits, _ . -).`);
  if (value === 'default') throw new InvalidArgumentError('`default` is the sandbox’s full user; give the read-only user another name.');
  return value;
}

export function sandboxCommand(): Command {
  return new Command('sandbox')
    .description('Run the embedded local ClickStack (ClickHouse engine + OTLP/HTTP and OTLP/gRPC receivers) in the foreground.')
    .option('--otlp-port <port>', 'OTLP/HTTP port (0 = any free port)', parsePort, 0)
    .option('--otlp-grpc-port <port>', 'OTLP/gRPC port (0 = any free port)', parsePort, 0)
    .option('--clickhouse-port <port>', 'ClickHouse HTTP port (0 = any free port)', parsePort, 0)
    .option('--health-port <port>', 'health_check port (0 = any free port)', parsePort, 0)
    .option('--data-dir <dir>', 'where the engine keeps its data', sandboxDataDir(appDataDir()))
    .addOption(new Option('--schema <variant>', 'which otel_traces DDL to create').choices(SCHEMA_VARIANTS).default(DEFAULT_SCHEMA))
    .option('--database <name>', 'database that holds otel_traces', 'default')
    .option('--auth-token-env <VAR>', 'require `authorization: <token>` on OTLP requests, the token read from this variable')
    .option('--clickhouse-password-env <VAR>', 'password of the ClickHouse user `default`, read from this variable')
    .option('--readonly-user <name>', 'also serve a ClickHouse user with the readonly = 1 profile (reads only, no setting changed), as viewing accounts are set up', readOnlyUserName)
    .option('--readonly-password-env <VAR>', 'password of the --readonly-user, read from this variable')
    .action(async (opts: { otlpPort: number; otlpGrpcPort: number; clickhousePort: number; healthPort: number; dataDir: string; schema: SchemaVariant; database: string; authTokenEnv?: string; clickhousePasswordEnv?: string; readonlyUser?: string; readonlyPasswordEnv?: string }) => {
      const lock = acquireInstanceLock(opts.dataDir, 'a clickstack-tray sandbox');
      if (!lock.acquired) {
        // One line the supervisor reads, and an exit code it does not restart on.
        process.stdout.write(JSON.stringify({ event: 'locked', message: heldMessage(opts.dataDir, lock.holder) }) + '\n');
        process.stderr.write(`${heldMessage(opts.dataDir, lock.holder)}\n`);
        process.exit(LOCKED_EXIT_CODE);
      }
      const sandbox = await startSandbox({
        dataDir: opts.dataDir,
        otlpPort: opts.otlpPort,
        otlpGrpcPort: opts.otlpGrpcPort,
        clickhousePort: opts.clickhousePort,
        healthPort: opts.healthPort,
        schema: opts.schema,
        database: opts.database,
        authToken: secretFromEnv(opts.authTokenEnv, '--auth-token-env'),
        clickhousePassword: secretFromEnv(opts.clickhousePasswordEnv, '--clickhouse-password-env'),
        ...(opts.readonlyUser ? { clickhouseReadOnlyUser: { user: opts.readonlyUser, password: secretFromEnv(opts.readonlyPasswordEnv, '--readonly-password-env') ?? '' } } : {}),
      }).catch((error: unknown) => {
        if (!(error instanceof PortInUseError)) throw error;
        // One line the supervisor reads (it restarts on free ports when the port was only remembered), and the sentence.
        process.stdout.write(JSON.stringify({ event: 'port-in-use', port: error.port, what: error.what }) + '\n');
        process.stderr.write(`clickstack-tray: ${error.message}\n`);
        lock.release();
        process.exit(PORT_IN_USE_EXIT_CODE);
      });
      // The lock now says where this sandbox answers: the CLI beside a running app uses it instead of starting its own.
      lock.describe({ endpoints: sandbox.endpoints });
      process.stdout.write(JSON.stringify({ event: 'ready', ...sandbox.endpoints }) + '\n');
      let closing = false;
      const shutdown = () => {
        if (closing) return;
        closing = true;
        sandbox.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
      // The app that spawned us closing our stdin pipe is not a signal; an orphaned sandbox should still go away.
      process.on('disconnect', shutdown);
    });
}

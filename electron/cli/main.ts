/**
 * The `clickstack-tray` command line. Secrets come only from the environment, never from argv.
 * With `--json` a command prints only JSON on standard output, its failures too: one
 * `{"error": "…"}` line and a non-zero exit, whether the arguments or the command failed.
 */
import { Command, CommanderError } from 'commander';
import { appVersion } from '../node-shared/app-files.js';
import { ALERTS_FAILED_EXIT, ALERTS_FIRING_EXIT, alertsCommand } from './alerts-command.js';
import { doctorCommand } from './doctor-command.js';
import { sandboxCommand } from './sandbox-command.js';
import { tailCommand } from './tail-command.js';
import { testTraceCommand } from './test-trace-command.js';
import { webCommand } from './web-command.js';

const json = process.argv.slice(2).includes('--json');

// `alerts` says "a rule fires" with its exit code 1: for it, a failure to run (a bad option, an
// unknown profile) is 2, "could not be evaluated", so a cron job with a typo does not report an alert.
const failureExit = (code: number) => (process.argv[2] === 'alerts' && code === ALERTS_FIRING_EXIT ? ALERTS_FAILED_EXIT : code);

// A reader that stops early (`tail | head`) closes the pipe: that ends the command quietly, as it ends `cat`.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('clickstack-tray')
  .description('Watch TrueFoundry AI Gateway traces flowing into ClickStack.\nEnvironment: CLICKHOUSE_ENDPOINT, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD (read like the collector does).')
  .version(appVersion())
  .addCommand(webCommand())
  .addCommand(sandboxCommand())
  .addCommand(doctorCommand())
  .addCommand(testTraceCommand())
  .addCommand(tailCommand())
  .addCommand(alertsCommand());

// Commander's own failures (an unknown flag, a bad choice) come back here as errors instead of exiting,
// so they are printed the same way as the commands' own.
for (const command of [program, ...program.commands]) {
  command.exitOverride();
  if (json) command.configureOutput({ outputError: () => undefined });
  else command.showHelpAfterError();
}

function fail(message: string, exitCode: number): never {
  if (json) process.stdout.write(JSON.stringify({ error: message }) + '\n');
  else process.stderr.write(`clickstack-tray: ${message}\n`);
  process.exit(exitCode === 0 ? 1 : exitCode);
}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // --help and --version "fail" with exit code 0 after printing what was asked.
    if (error.exitCode === 0) process.exit(0);
    // Without --json commander has already printed the message (and the help after it).
    if (!json) process.exit(failureExit(error.exitCode));
    fail(error.message.replace(/^error: /, ''), failureExit(error.exitCode));
  }
  fail(error instanceof Error ? error.message : String(error), failureExit(1));
});

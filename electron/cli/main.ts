/** The `clickstack-tray` command line. Secrets come only from the environment, never from argv. */
import { Command } from 'commander';
import { appVersion } from '../node-shared/app-files.js';
import { doctorCommand } from './doctor-command.js';
import { sandboxCommand } from './sandbox-command.js';
import { tailCommand } from './tail-command.js';
import { testTraceCommand } from './test-trace-command.js';
import { webCommand } from './web-command.js';

const program = new Command('clickstack-tray')
  .description('Watch TrueFoundry AI Gateway traces flowing into ClickStack.\nEnvironment: CLICKHOUSE_ENDPOINT, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD (read like the collector does).')
  .version(appVersion())
  .showHelpAfterError()
  .addCommand(webCommand())
  .addCommand(sandboxCommand())
  .addCommand(doctorCommand())
  .addCommand(testTraceCommand())
  .addCommand(tailCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`clickstack-tray: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

/**
 * The sandbox on its own: the entry the desktop app starts as a child process (its own
 * executable run as Node). Bundled with everything but chDB's native package into one file, so
 * it runs from the packaged app's app.asar.unpacked where Node cannot read the archive.
 */
import { Command } from 'commander';
import { sandboxCommand } from './sandbox-command.js';

new Command('clickstack-tray-sandbox')
  .addCommand(sandboxCommand())
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`clickstack-tray sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });

/** How to start this same program's `sandbox` subcommand in a child process, from source or from the bundle. */
import type { SandboxCommand } from '../core/sandbox-supervisor.js';

export function sandboxSelfCommand(): SandboxCommand {
  const script = process.argv[1];
  if (!script) throw new Error('Cannot tell which script is running, so the sandbox cannot be started.');
  // execArgv keeps loaders such as tsx when running from source.
  return { execPath: process.execPath, args: [...process.execArgv, script, 'sandbox'] };
}

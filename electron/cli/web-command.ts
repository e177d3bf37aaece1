/** `clickstack-tray web`: the app in a browser, for machines without a tray. */
import { Command } from 'commander';
import { appDataDir, sandboxDataDir } from '../core/app-paths.js';
import { appFiles, appVersion, sandboxUnavailableReason } from '../node-shared/app-files.js';
import { SandboxSupervisor } from '../core/sandbox-supervisor.js';
import { composeCore } from '../core/compose-core.js';
import { openConfFile } from '../core/profiles/conf-file.js';
import { startWebBridge } from '../web/web-bridge.js';
import { acquireInstanceLock, heldMessage } from '../node-shared/instance-lock.js';
import { parsePort } from './options.js';
import { listenOn } from '../node-shared/port-in-use.js';
import { sandboxSelfCommand } from './self-command.js';

export function webCommand(): Command {
  return new Command('web')
    .description('Serve the app on 127.0.0.1 and print a URL (with a one-time token) to open in a browser.')
    .option('--port <port>', 'port to listen on (0 = any free port)', parsePort, 0)
    .option('--no-sandbox', 'do not start the embedded local sandbox')
    .option('--json', 'print one JSON line {"event":"listening","url":...} instead of prose')
    .action(async (opts: { port: number; sandbox: boolean; json?: boolean }) => {
      const dataDir = appDataDir();
      const lock = acquireInstanceLock(dataDir, 'clickstack-tray web');
      if (!lock.acquired) {
        process.stderr.write(`${heldMessage(dataDir, lock.holder)}\n`);
        process.exit(1);
      }
      const unavailable = opts.sandbox ? sandboxUnavailableReason(process.platform, process.arch) : null;
      if (unavailable) process.stderr.write(`${unavailable}\n`);
      const sandbox = opts.sandbox && !unavailable
        ? new SandboxSupervisor({ command: sandboxSelfCommand(), dataDir: sandboxDataDir(dataDir), log: (l) => process.stderr.write(`[sandbox] ${l}\n`) })
        : null;
      const { core } = composeCore({ transport: 'web', version: appVersion(), dataDir, sandbox, sandboxOffReason: unavailable ?? undefined, openSettingsFile: openConfFile, keychainService: process.env.CLICKSTACK_TRAY_KEYCHAIN_SERVICE });
      // Nothing is started before the bridge listens (core.start comes after), so a taken port is said and the command ends.
      const bridge = await listenOn(startWebBridge({ core, staticDir: appFiles().rendererDir, port: opts.port }), opts.port, 'the app', '--port');
      lock.describe(bridge.launchUrl.replace(/\?token=.*$/, ''));
      if (opts.json) process.stdout.write(JSON.stringify({ event: 'listening', url: bridge.launchUrl }) + '\n');
      else process.stdout.write(`clickstack-tray is serving on 127.0.0.1. Open this URL (it carries this launch's token):\n  ${bridge.launchUrl}\n`);
      void core.start();
      const shutdown = () => {
        void Promise.allSettled([bridge.close(), core.stop()]).then(() => process.exit(0));
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    });
}

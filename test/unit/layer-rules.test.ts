/**
 * The layer rules in eslint.config.js bite: each forbidden import, linted as if it were a file
 * in that layer, is an error, and an allowed one is not. Nothing is written to the tree.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'boundaries/dependencies' || m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it.each([
    ['the renderer imports core code', 'renderer/src/views/zz-probe.ts', "import { TraceService } from '../../../electron/core/traces/trace-service.js';\nexport const x = TraceService;"],
    ['core imports the CLI', 'electron/core/zz-probe.ts', "import { tailCommand } from '../cli/tail-command.js';\nexport const x = tailCommand;"],
    ['core imports the Electron shell', 'electron/core/zz-probe.ts', "import { TrayPresenter } from '../main/tray-presenter.js';\nexport const x = TrayPresenter;"],
    ['core imports the web bridge', 'electron/core/zz-probe.ts', "import { startWebBridge } from '../web/web-bridge.js';\nexport const x = startWebBridge;"],
    ['core imports the sandbox', 'electron/core/zz-probe.ts', "import { startSandbox } from '../sandbox/sandbox.js';\nexport const x = startSandbox;"],
    ['the sandbox imports core internals', 'electron/sandbox/zz-probe.ts', "import { queryRows } from '../core/clickhouse/clickhouse-clients.js';\nexport const x = queryRows;"],
    ['a contract schema imports core', 'electron/shared/zz-probe.ts', "import { logger } from '../core/log.js';\nexport const x = logger;"],
    ['the sandbox imports a core module', 'electron/sandbox/zz-probe.ts', "import { logger } from '../core/log.js';\nexport const x = logger;"],
    ['core imports electron', 'electron/core/zz-probe.ts', "import { app } from 'electron';\nexport const x = app;"],
  ])('refuses: %s', async (_label, path, code) => {
    expect(await boundaryErrors(path, code)).not.toEqual([]);
  });

  it.each([
    ['the renderer imports the contract', 'renderer/src/views/zz-probe.ts', "import { methods } from '../../../electron/shared/contract.js';\nexport const x = methods;"],
    ['the web bridge imports core', 'electron/web/zz-probe.ts', "import { TrayCore } from '../core/tray-core.js';\nexport const x = TrayCore;"],
    ['the sandbox finds the app folder', 'electron/sandbox/zz-probe.ts', "import { projectRoot } from '../node-shared/app-files.js';\nexport const x = projectRoot;"],
  ])('allows: %s', async (_label, path, code) => {
    expect(await boundaryErrors(path, code)).toEqual([]);
  });
}, 60_000);

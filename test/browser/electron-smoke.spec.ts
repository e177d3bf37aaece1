/** The real Electron app: window opens and the renderer reaches data-app-state="ready". */
import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronBinary } from '../../scripts/electron-binary.mjs';

const { path: binary, reason } = electronBinary();
if (!binary) console.log(`electron smoke test skipped: ${reason}`);

test('the Electron window opens and becomes ready', async () => {
  test.skip(!binary, `skipped because ${reason}`);
  const app = await electron.launch({ executablePath: binary!, args: ['.'], env: { ...process.env, CLICKSTACK_TRAY_HOME: mkdtempSync(join(tmpdir(), 'cst-e-')) } });
  const window = await app.firstWindow();
  await expect(window.locator('#root')).toHaveAttribute('data-app-state', 'ready');
  // The page sees the contract bridge but no Node and no raw ipcRenderer.
  expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  expect(await window.evaluate(() => Object.keys((globalThis as { clickstackTray?: object }).clickstackTray ?? {}).sort())).toEqual(['events', 'methods', 'on', 'transport']);
  await window.screenshot({ path: 'test-results/screenshots/electron-window.png' });
  await app.close();
});

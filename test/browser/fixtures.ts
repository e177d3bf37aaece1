/**
 * A worker-scoped app: `clickstack-tray web` from the built bundle, with its own data
 * folder and its own sandbox, and the URL (with token) it printed.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface RunningApp {
  launchUrl: string;
  home: string;
}

async function startApp(home: string, extraEnv: Record<string, string>): Promise<{ child: ChildProcess; launchUrl: string }> {
  const child = spawn(process.execPath, ['bin/clickstack-tray.mjs', 'web', '--json'], {
    // A test-only keychain service name, so the tests never touch a real profile's secrets.
    env: { ...process.env, CLICKSTACK_TRAY_HOME: home, CLICKSTACK_TRAY_KEYCHAIN_SERVICE: `clickstack-tray-test-${process.pid}`, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const launchUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the web bridge did not print its URL within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`clickstack-tray web exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { event?: string; url?: string };
        if (parsed.event === 'listening' && parsed.url) {
          clearTimeout(timer);
          resolve(parsed.url);
        }
      } catch {
        // not our line
      }
    });
  });
  return { child, launchUrl };
}

export const test = base.extend<object, { app: RunningApp; appGroup: string; appEnv: Record<string, string> }>({
  /** Files that fill the sandbox with a lot of traffic set their own group: a different value gets its own worker, app and sandbox. */
  appGroup: ['shared', { scope: 'worker', option: true }],
  /** Extra environment for the app (with its own appGroup), e.g. a D-Bus address that reaches no keychain. */
  appEnv: [{}, { scope: 'worker', option: true }],
  app: [
    async ({ appGroup: _group, appEnv }, use) => {
      const home = mkdtempSync(join(tmpdir(), 'cst-pw-'));
      const { child, launchUrl } = await startApp(home, appEnv);
      await use({ launchUrl, home });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(home, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
});

export { expect };

export const SCREENSHOTS = 'test-results/screenshots';

/**
 * Opens the app with the Local sandbox as the active profile. The app is shared by the
 * worker, so an earlier test may have left another profile active.
 * Returns the sandbox's OTLP/HTTP traces URL.
 */
export async function openOnSandbox(page: Page, launchUrl: string): Promise<string> {
  await page.goto(launchUrl);
  await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId('profile-select').selectOption('local-sandbox');
  // The chosen profile's buttons render a moment after the choice: wait for one of the two before reading which.
  await expect(page.getByRole('button', { name: /^(Active|Make active)$/ })).toBeVisible();
  const activate = page.getByRole('button', { name: 'Make active' });
  if (await activate.isVisible()) await activate.click();
  await expect(page.getByRole('button', { name: 'Active', exact: true })).toBeDisabled();
  await expect(page.getByTestId('sandbox-card').getByRole('status')).toHaveText('running');
  return page.locator('[data-testid="sandbox-card"] code').first().innerText();
}

/** Makes a profile from the Setup view's New profile form: each field by its input's name (name, otlpEndpoint, clickhouseUrl, healthUrl…). */
export async function createProfile(page: Page, fields: Record<string, string>): Promise<void> {
  await page.getByRole('button', { name: 'New profile' }).click();
  const form = page.getByTestId('profile-form');
  for (const [name, value] of Object.entries(fields)) await form.locator(`input[name="${name}"]`).fill(value);
  await form.getByRole('button', { name: 'Create profile' }).click();
}

import { defineConfig } from '@playwright/test';

// Chromium comes from Debian's `chromium` package; Playwright never downloads a browser here.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'test/browser',
  // The browser must exist, and a Secret Service for the keychain tests: the one reachable here, else a private one (see README, Test it).
  globalSetup: './test/support/browser-global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    viewport: { width: 1200, height: 800 },
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  projects: [
    { name: 'web', testMatch: /web-.*\.spec\.ts/, use: { browserName: 'chromium' } },
    { name: 'electron', testMatch: /electron-.*\.spec\.ts/ },
  ],
});

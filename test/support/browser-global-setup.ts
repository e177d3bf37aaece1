/**
 * Global setup for Playwright: the keychain (as for vitest), and the browser the specs drive. Without
 * Debian's Chromium every spec would fail with the same launch error; one sentence saying what to
 * install is what a new user needs instead.
 */
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from '../../playwright.config.js';
import keyringSetup from './keyring-global-setup.js';

export default async function setup(): Promise<() => Promise<void>> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The browser tests drive Debian's Chromium, and there is none at ${CHROMIUM_PATH}: install it (sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium executable. Playwright never downloads a browser here.`,
    );
  }
  return keyringSetup();
}

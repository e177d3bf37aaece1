/**
 * Global setup for vitest and Playwright: a Secret Service for the keychain tests. Uses the one this
 * environment reaches, else starts a private one (scripts/private-keyring.mjs), else leaves the
 * keychain tests to skip with the printed reason.
 */
import { ensureKeyring } from '../../scripts/private-keyring.mjs';

export default async function setup(): Promise<() => Promise<void>> {
  return ensureKeyring();
}

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'renderer/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    // Each integration file starts its own sandbox process; two cores, so keep parallelism modest.
    maxWorkers: 2,
    reporters: ['default'],
    // A Secret Service for the keychain tests: the one reachable here, else a private one (see README, Test it).
    globalSetup: ['test/support/keyring-global-setup.ts'],
  },
});

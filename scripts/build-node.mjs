#!/usr/bin/env node
// Bundles the Node side: the Electron main process (ESM), the sandboxed preload
// (one CommonJS file, as Electron requires for sandboxed preloads) and the CLI.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

await Promise.all([
  build({ ...common, entryPoints: ['electron/main/main.ts'], outfile: 'dist/electron/main.mjs', format: 'esm', packages: 'external' }),
  build({ ...common, entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'] }),
  build({ ...common, entryPoints: ['electron/cli/main.ts'], outfile: 'dist/cli.mjs', format: 'esm', packages: 'external' }),
]);
console.log('built dist/electron/main.mjs, dist/electron/preload.cjs, dist/cli.mjs');

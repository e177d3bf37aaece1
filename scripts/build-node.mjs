#!/usr/bin/env node
// Bundles the Node side: the Electron main process (ESM), the sandboxed preload (one CommonJS
// file, as Electron requires for sandboxed preloads), the CLI, and the sandbox on its own — the
// last self-contained (only chDB's per-platform native package stays outside, loaded at run
// time), so the packaged app can run it from app.asar.unpacked. The DDL files go beside it.
import { build } from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };
// CommonJS packages inside an ESM bundle still call require() for Node's built-ins.
const requireShim = { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" };

await Promise.all([
  build({ ...common, entryPoints: ['electron/main/main.ts'], outfile: 'dist/electron/main.mjs', format: 'esm', packages: 'external' }),
  build({ ...common, entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'] }),
  build({ ...common, entryPoints: ['electron/cli/main.ts'], outfile: 'dist/cli.mjs', format: 'esm', packages: 'external' }),
  build({ ...common, sourcemap: false, entryPoints: ['electron/cli/sandbox-main.ts'], outfile: 'dist/sandbox.mjs', format: 'esm', external: ['@chdb/*'], banner: requireShim,
    // chDB's ESM entry loads its CommonJS one with createRequire, which a bundler cannot follow: bundle the CommonJS one.
    alias: { chdb: './node_modules/chdb/index.js' } }),
]);
mkdirSync('dist/schema', { recursive: true });
cpSync('electron/sandbox/schema', 'dist/schema', { recursive: true });
console.log('built dist/electron/main.mjs, dist/electron/preload.cjs, dist/cli.mjs, dist/sandbox.mjs (+ dist/schema)');

#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  console.error('clickstack-tray has not been built yet: run `npm run build` in its folder first.');
  process.exit(1);
}
await import(cli);

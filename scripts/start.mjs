#!/usr/bin/env node
// `npm start`: the desktop app where Electron can run, otherwise the same app in the browser.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { path, reason } = electronBinary({ download: true });
const child = path
  ? spawn(path, [root], { stdio: 'inherit' })
  : (console.log(`Electron cannot start here because ${reason}, so clickstack-tray runs through its web bridge instead.`),
    spawn(process.execPath, [fileURLToPath(new URL('../bin/clickstack-tray.mjs', import.meta.url)), 'web'], { stdio: 'inherit' }));
child.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));

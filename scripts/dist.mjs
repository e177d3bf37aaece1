#!/usr/bin/env node
// `npm run dist` (installers for this OS) and `npm run dist:dir` (the unpacked layout only), with
// electron-builder and electron-builder.json. Where the Electron binary cannot be had (this
// machine has no network for it), `--dir` builds against a stand-in Electron directory: the
// packaged layout (app.asar, app.asar.unpacked, resources) is real and can be inspected, only
// the executable is a placeholder that says so when run. Options: --dir, --out <folder>.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, Platform } from 'electron-builder';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const dirOnly = args.includes('--dir');
const outIndex = args.indexOf('--out');
const output = outIndex >= 0 ? args[outIndex + 1] : join(root, 'release');
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
const realDist = join(root, 'node_modules', 'electron', 'dist');

/** A directory shaped like Electron's own distribution for Linux, with a placeholder executable. */
function standInElectron() {
  const dir = join(root, '.cache', `electron-stand-in-${electronVersion}`);
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const exe = join(dir, 'electron');
  writeFileSync(exe, `#!/bin/sh\necho "stand-in for Electron ${electronVersion}: this layout was packaged without the Electron binary (npm run dist on a machine that can download it builds the real app)" >&2\nexit 78\n`);
  chmodSync(exe, 0o755);
  writeFileSync(join(dir, 'version'), electronVersion);
  writeFileSync(join(dir, 'LICENSE'), 'Electron stand-in (no binary).\n');
  return dir;
}

const config = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8'));
config.directories = { ...config.directories, output };
config.electronVersion = electronVersion;
const haveElectron = existsSync(join(realDist, process.platform === 'darwin' ? 'Electron.app' : process.platform === 'win32' ? 'electron.exe' : 'electron'));
function fail(message) {
  console.error(`dist: ${message}`);
  process.exit(1);
}
if (dirOnly && !haveElectron) {
  if (process.platform !== 'linux') fail('the stand-in Electron directory is a Linux layout; on macOS and Windows install Electron (npm install) and run again.');
  config.electronDist = standInElectron();
  console.log(`dist: no Electron binary here; packaging against a stand-in (${config.electronDist})`);
} else if (!haveElectron) {
  fail('installers need the real Electron binary, which has not been downloaded here (npm install fetches it where the network allows). `npm run dist:dir` builds the unpacked layout against a stand-in instead.');
}

const platform = { darwin: Platform.MAC, win32: Platform.WINDOWS, linux: Platform.LINUX }[process.platform];
const started = Date.now();
const artifacts = await build({ projectDir: root, config, publish: 'never', targets: platform.createTarget(dirOnly ? 'dir' : null) });
console.log(`dist: done in ${((Date.now() - started) / 1000).toFixed(1)} s → ${output}${artifacts.length ? `\n${artifacts.map((a) => `  ${a}`).join('\n')}` : ''}`);

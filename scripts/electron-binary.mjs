// Where the Electron binary is, or why it cannot be used here. Electron 45 fetches its
// binary on first use; `npm start` may try that once (quietly), tests never do.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const electronDir = fileURLToPath(new URL('../node_modules/electron/', import.meta.url));

function installedPath() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const full = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(full) ? full : null;
}

export function electronBinary({ download = false } = {}) {
  if (!existsSync(join(electronDir, 'package.json'))) return { path: null, reason: 'the electron package is not installed (run npm install)' };
  let path = installedPath();
  if (!path && download) {
    const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'ignore', timeout: 180_000 });
    path = result.status === 0 ? installedPath() : null;
  }
  if (!path) return { path: null, reason: download ? 'its binary could not be downloaded (offline, or the download is blocked)' : 'its binary has not been downloaded on this machine' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { path: null, reason: 'there is no graphical display (DISPLAY is not set)' };
  return { path, reason: null };
}

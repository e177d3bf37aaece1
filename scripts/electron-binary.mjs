// Where the Electron binary is, or why it cannot be used here.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export function electronBinary() {
  const require = createRequire(import.meta.url);
  let path;
  try {
    path = require('electron');
  } catch (error) {
    return { path: null, reason: `the Electron binary is not installed (${String(error.message).split('\n')[0]})` };
  }
  if (typeof path !== 'string' || !existsSync(path)) return { path: null, reason: 'the Electron binary was never downloaded (offline install or a blocked download)' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { path: null, reason: 'there is no graphical display (DISPLAY is not set)' };
  return { path, reason: null };
}

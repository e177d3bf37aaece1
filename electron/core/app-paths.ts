/** Where the app keeps its files, matching Electron's userData folder for the same product name. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function appDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLICKSTACK_TRAY_HOME) return env.CLICKSTACK_TRAY_HOME;
  const home = homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'clickstack-tray');
  if (process.platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'clickstack-tray');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'clickstack-tray');
}

export function sandboxDataDir(appDir: string): string {
  return join(appDir, 'sandbox');
}

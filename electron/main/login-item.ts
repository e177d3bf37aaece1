/**
 * Start at login. macOS and Windows keep login items themselves (Electron's
 * app.setLoginItemSettings); Electron has nothing for Linux, where the freedesktop way is an
 * autostart entry in $XDG_CONFIG_HOME/autostart. The state shown is always read back from the
 * system, never from the app's own settings, so a login item removed elsewhere reads as off.
 * Everything Electron or the OS provides is injected, so each OS's rules are tested anywhere.
 */
import { join } from 'node:path';

/** Passed by the login item: the app starts in the tray instead of opening its window. */
export const HIDDEN_ARG = '--hidden';
export const AUTOSTART_FILE = 'clickstack-tray.desktop';

export interface LoginItemSettingsLike {
  openAtLogin: boolean;
}

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  /** Electron's app.getLoginItemSettings / setLoginItemSettings (macOS, Windows). */
  getLoginItemSettings(options?: { args?: string[] }): LoginItemSettingsLike;
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
  /** Linux: where autostart entries live and what to start. */
  env: { HOME?: string; XDG_CONFIG_HOME?: string; APPIMAGE?: string };
  execPath: string;
  fs: {
    readFile(path: string): string | null;
    writeFile(path: string, text: string): void;
    remove(path: string): void;
    mkdir(path: string): void;
  };
}

export interface LoginItemState {
  supported: boolean;
  enabled: boolean;
  /** One sentence: what it does on this OS, or why it is unavailable. */
  detail: string;
}

export function autostartPath(env: LoginItemDeps['env']): string | null {
  const base = env.XDG_CONFIG_HOME || (env.HOME ? join(env.HOME, '.config') : null);
  return base ? join(base, 'autostart', AUTOSTART_FILE) : null;
}

/** The program a Linux login should start: the AppImage file itself (its execPath is inside a temporary mount), else the executable. */
export function launchTarget(deps: Pick<LoginItemDeps, 'env' | 'execPath'>): string {
  return deps.env.APPIMAGE || deps.execPath;
}

/** Desktop Entry quoting: the path in double quotes, with ", `, $ and \ escaped. */
function quoteExec(path: string): string {
  return `"${path.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartEntry(target: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=clickstack-tray',
    'Comment=Watch TrueFoundry AI Gateway traces flowing into ClickStack',
    `Exec=${quoteExec(target)} ${HIDDEN_ARG}`,
    'Icon=clickstack-tray',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** An autostart entry counts when it is ours, starts this program, and is not switched off by the desktop. */
function entryIsOn(text: string, target: string): boolean {
  const lines = text.split(/\r?\n/);
  const value = (key: string) => lines.find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1).trim();
  if (value('Hidden') === 'true' || value('X-GNOME-Autostart-enabled') === 'false') return false;
  return value('Exec')?.startsWith(quoteExec(target)) ?? false;
}

export function readLoginItem(deps: LoginItemDeps): LoginItemState {
  if (deps.platform === 'darwin' || deps.platform === 'win32') {
    const enabled = deps.getLoginItemSettings(deps.platform === 'win32' ? { args: [HIDDEN_ARG] } : undefined).openAtLogin;
    return { supported: true, enabled, detail: deps.platform === 'darwin' ? 'Adds clickstack-tray to System Settings → General → Login Items; it starts in the menu bar.' : 'Adds clickstack-tray to the apps Windows starts at sign-in (Task Manager → Startup apps); it starts in the tray.' };
  }
  if (deps.platform === 'linux') {
    const path = autostartPath(deps.env);
    if (!path) return { supported: false, enabled: false, detail: 'Neither HOME nor XDG_CONFIG_HOME is set, so there is no autostart folder.' };
    const text = deps.fs.readFile(path);
    return { supported: true, enabled: text !== null && entryIsOn(text, launchTarget(deps)), detail: `Writes ${path}, which desktops that follow the XDG autostart spec start at login; it starts in the tray.` };
  }
  return { supported: false, enabled: false, detail: `Start at login is not available on ${deps.platform}.` };
}

export function writeLoginItem(deps: LoginItemDeps, enabled: boolean): LoginItemState {
  if (deps.platform === 'darwin') deps.setLoginItemSettings({ openAtLogin: enabled });
  else if (deps.platform === 'win32') deps.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_ARG] });
  else if (deps.platform === 'linux') {
    const path = autostartPath(deps.env);
    if (path) {
      if (enabled) {
        deps.fs.mkdir(join(path, '..'));
        deps.fs.writeFile(path, autostartEntry(launchTarget(deps)));
      } else if (deps.fs.readFile(path) !== null) {
        deps.fs.remove(path);
      }
    }
  }
  return readLoginItem(deps);
}

/**
 * How the tray app behaves as a desktop citizen, decided from plain facts so each rule is
 * tested without Electron: whether this start came from the login item, whether to open the
 * window, and whether macOS shows a dock icon.
 */
import { HIDDEN_ARG } from './login-item.js';

/** The login item passes --hidden (Windows, Linux); macOS says so through wasOpenedAtLogin. */
export function launchedAtLogin(facts: { argv: readonly string[]; platform: NodeJS.Platform; wasOpenedAtLogin?: boolean }): boolean {
  return facts.argv.includes(HIDDEN_ARG) || (facts.platform === 'darwin' && facts.wasOpenedAtLogin === true);
}

/** A launch by the user opens the window; a launch at login starts quietly in the tray. */
export function opensWindowAtStart(facts: { launchedAtLogin: boolean }): boolean {
  return !facts.launchedAtLogin;
}

/** On macOS the dock icon is there only while a window is open: the app otherwise lives in the menu bar. */
export function dockIconVisible(platform: NodeJS.Platform, visibleWindows: number): boolean | null {
  if (platform !== 'darwin') return null;
  return visibleWindows > 0;
}

export interface DockLike {
  show(): Promise<void> | void;
  hide(): void;
}

/** Applies the dock rule after a window opens, hides or closes (no-op off macOS). */
export function syncDock(platform: NodeJS.Platform, dock: DockLike | undefined, visibleWindows: number): void {
  const visible = dockIconVisible(platform, visibleWindows);
  if (visible === null || !dock) return;
  if (visible) void dock.show();
  else dock.hide();
}

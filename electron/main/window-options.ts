/** The main window's hardening, kept apart so a test can read it without Electron. */
import { fileInside } from '../node-shared/contained-path.js';

export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
  } as const;
}

export const APP_ORIGIN = 'app://renderer';

/** Only our own pages may call the API. */
export function isTrustedFrameUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'app:' && u.host === 'renderer';
  } catch {
    return false;
  }
}

export function isExternalHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** The parts of Electron's Session and WebContents the hardening sets, so a test can read what was installed. */
export interface PermissionSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
}
export interface GuardedContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
}

/** The app needs no camera, microphone, location, notifications-from-page or clipboard access: refuse them all. */
export function denyAllPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** No new windows and no navigation away from app://; http(s) links open in the OS browser instead. */
export function guardNavigation(contents: GuardedContents, openExternal: (url: string) => void): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalHttpUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedFrameUrl(url)) {
      event.preventDefault();
      if (isExternalHttpUrl(url)) openExternal(url);
    }
  });
}

/** The file an app:// path names inside the renderer folder, or null for anything that escapes it. */
export function rendererFileFor(rendererDir: string, pathname: string): string | null {
  return fileInside(rendererDir, pathname);
}

/** The main window's hardening, kept apart so a test can read it without Electron. */
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

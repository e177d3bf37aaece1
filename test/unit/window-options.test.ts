/**
 * The Electron window's hardening, read from what the shell installs: the BrowserWindow
 * options, the session's permission handlers, the navigation guards and the app:// file
 * mapping. The Electron binary cannot run here; these are the exact functions main.ts calls.
 */
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { denyAllPermissions, guardNavigation, isExternalHttpUrl, isTrustedFrameUrl, rendererFileFor, secureWebPreferences, type GuardedContents, type PermissionSession } from '../../electron/main/window-options.js';
import { CONTENT_SECURITY_POLICY } from '../../electron/web/security.js';

/** Electron's permission names (session.setPermissionRequestHandler docs). */
const PERMISSIONS = ['clipboard-read', 'clipboard-sanitized-write', 'display-capture', 'fullscreen', 'geolocation', 'idle-detection', 'media', 'mediaKeySystem', 'midi', 'midiSysex', 'notifications', 'pointerLock', 'keyboardLock', 'openExternal', 'speaker-selection', 'storage-access', 'top-level-storage-access', 'window-management', 'unknown', 'fileSystem', 'hid', 'serial', 'usb'];

describe('Electron window hardening', () => {
  it('isolates and sandboxes the renderer', () => {
    expect(secureWebPreferences('/p.cjs')).toEqual({
      preload: '/p.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
    });
  });

  it('refuses every permission request and check', () => {
    let request: Parameters<PermissionSession['setPermissionRequestHandler']>[0] | null = null;
    let check: Parameters<PermissionSession['setPermissionCheckHandler']>[0] | null = null;
    denyAllPermissions({ setPermissionRequestHandler: (h) => (request = h), setPermissionCheckHandler: (h) => (check = h) });
    expect(request).not.toBeNull();
    expect(check).not.toBeNull();
    for (const permission of PERMISSIONS) {
      const answers: boolean[] = [];
      request!(null, permission, (granted) => answers.push(granted));
      expect(answers, permission).toEqual([false]);
      expect(check!(null, permission), permission).toBe(false);
    }
  });

  it('opens no window, navigates nowhere but app://, and hands http(s) links to the OS browser', () => {
    let openHandler: Parameters<GuardedContents['setWindowOpenHandler']>[0] | null = null;
    let navigate: ((event: { preventDefault(): void }, url: string) => void) | null = null;
    const external: string[] = [];
    guardNavigation({ setWindowOpenHandler: (h) => (openHandler = h), on: (_e, l) => (navigate = l) }, (url) => external.push(url));
    for (const url of ['https://clickhouse.com/docs', 'javascript:alert(1)', 'file:///etc/passwd', 'app://renderer/index.html']) {
      expect(openHandler!({ url }), url).toEqual({ action: 'deny' });
    }
    const prevented = (url: string) => {
      let stopped = false;
      navigate!({ preventDefault: () => (stopped = true) }, url);
      return stopped;
    };
    expect(prevented('app://renderer/index.html#/health')).toBe(false);
    expect(prevented('https://evil.example/')).toBe(true);
    expect(prevented('file:///etc/passwd')).toBe(true);
    expect(prevented('app://other/index.html')).toBe(true);
    expect(external).toEqual(['https://clickhouse.com/docs', 'https://evil.example/']);
  });

  it('serves app:// only from the renderer folder', () => {
    const dir = join('/opt', 'app', 'renderer');
    expect(rendererFileFor(dir, '/')).toBe(join(dir, 'index.html'));
    expect(rendererFileFor(dir, '/assets/index.js')).toBe(join(dir, 'assets', 'index.js'));
    // Climbing out is clamped to the folder (or refused); it never names a file outside it.
    for (const escape of ['/../main.js', '/..%2f..%2fetc%2fpasswd', '/assets/../../secret', '/%2e%2e/%2e%2e/x', '/..\\..\\x']) {
      const file = rendererFileFor(dir, escape);
      expect(file === null || file.startsWith(`${dir}${sep}`), `${escape} → ${file}`).toBe(true);
    }
    expect(rendererFileFor(dir, '/%E0%A4%A')).toBeNull(); // not decodable
  });

  it('trusts only the app:// pages and opens only http(s) links outside', () => {
    expect(isTrustedFrameUrl('app://renderer/index.html')).toBe(true);
    expect(isTrustedFrameUrl('https://evil.example/')).toBe(false);
    expect(isTrustedFrameUrl('file:///etc/passwd')).toBe(false);
    expect(isExternalHttpUrl('https://clickhouse.com')).toBe(true);
    expect(isExternalHttpUrl('javascript:alert(1)')).toBe(false);
  });

  it('has a CSP without inline or remote scripts', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });
});

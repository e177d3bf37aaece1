/** The Electron window's hardening, read from the options the shell passes to BrowserWindow. */
import { describe, expect, it } from 'vitest';
import { isExternalHttpUrl, isTrustedFrameUrl, secureWebPreferences } from '../../electron/main/window-options.js';
import { CONTENT_SECURITY_POLICY } from '../../electron/web/security.js';

describe('Electron window hardening', () => {
  it('isolates and sandboxes the renderer', () => {
    expect(secureWebPreferences('/p.cjs')).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
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

/** The web bridge refuses every request that lacks the token or comes from elsewhere, and changes nothing. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeCore } from '../../electron/core/compose-core.js';
import { openConfFile } from '../../electron/core/profiles/conf-file.js';
import type { TrayCore } from '../../electron/core/tray-core.js';
import { startWebBridge, type WebBridge } from '../../electron/web/web-bridge.js';
import { callBridge } from '../support/bridge-call.js';

let bridge: WebBridge;
let core: TrayCore;
const opened: string[] = [];

beforeAll(async () => {
  const staticDir = mkdtempSync(join(tmpdir(), 'cst-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  core = composeCore({
    transport: 'web',
    version: '9.9.9',
    dataDir: mkdtempSync(join(tmpdir(), 'cst-bridge-data-')),
    sandbox: null,
    openSettingsFile: openConfFile,
    openExternal: async (url) => void opened.push(url),
  }).core;
  bridge = await startWebBridge({ core, staticDir });
});
afterAll(async () => {
  await bridge?.close();
});

async function call(method: string, body: unknown, headers: Record<string, string> = {}) {
  const { status, text } = await callBridge(bridge, method, body, headers);
  return { status, body: JSON.parse(text) as { result?: unknown; error?: { code: string; message: string } } };
}

describe('web bridge', () => {
  it('round-trips a contract call with the token', async () => {
    const { status, body } = await call('app.getInfo', {});
    expect(status).toBe(200);
    expect(body.result).toMatchObject({ name: 'clickstack-tray', version: '9.9.9', transport: 'web' });
  });

  it('listens on loopback only', () => {
    expect(new URL(bridge.url).hostname).toBe('127.0.0.1');
  });

  it('refuses a missing or wrong token with 401 and does nothing', async () => {
    const missing = await fetch(`${bridge.url}/api/call/app.openExternal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: 'https://example.com/a' }) });
    expect(missing.status).toBe(401);
    const wrong = await call('app.openExternal', { url: 'https://example.com/b' }, { 'x-clickstack-token': 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error?.message).toMatch(/token/i);
    expect((await fetch(`${bridge.url}/`)).status).toBe(401);
    expect((await fetch(`${bridge.url}/api/events`)).status).toBe(401);
    expect(opened).toEqual([]);
  });

  it('refuses a foreign Host header (DNS rebinding) and a foreign Origin', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${bridge.url}/api/call/app.getInfo`, { method: 'POST', headers: { host: 'evil.example:80', 'content-type': 'application/json', 'x-clickstack-token': bridge.token } }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
    const foreignOrigin = await call('app.openExternal', { url: 'https://example.com/c' }, { origin: 'https://evil.example' });
    expect(foreignOrigin.status).toBe(403);
    expect(opened).toEqual([]);
  });

  it('refuses a cross-site form post even with the cookie', async () => {
    const response = await fetch(`${bridge.url}/api/call/app.openExternal`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `cst_token=${bridge.token}` },
      body: 'url=https%3A%2F%2Fexample.com%2Fd',
    });
    expect(response.status).toBe(415);
    expect(opened).toEqual([]);
  });

  it('refuses bad payloads with a message that names the field, and changes nothing', async () => {
    const wrongType = await call('app.openExternal', { url: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error?.message).toMatch(/url/);
    const extra = await call('app.openExternal', { url: 'https://example.com/e', extra: 1 });
    expect(extra.status).toBe(400);
    const pollution = await call('app.getInfo', '{"__proto__":{"polluted":true}}');
    expect(pollution.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const notJson = await call('app.getInfo', '{nope');
    expect(notJson.status).toBe(400);
    const unknown = await call('app.deleteEverything', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe('unknown_method');
    const scheme = await call('app.openExternal', { url: 'file:///etc/passwd' });
    expect(scheme.status).toBe(400);
    expect(opened).toEqual([]);
  });

  it('trades the token in the printed URL for an HttpOnly, SameSite=Strict cookie', async () => {
    const response = await fetch(bridge.launchUrl, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await fetch(`${bridge.url}/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('delivers core events over Server-Sent Events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${bridge.url}/api/events`, { headers: { 'x-clickstack-token': bridge.token }, signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const status = { state: 'running' as const, detail: 'test', endpoints: null, dataDir: null, since: 1 };
    setTimeout(() => core.emit('sandbox.status', status), 50);
    let text = '';
    while (!text.includes('event: sandbox.status')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const frame = text.slice(text.indexOf('event: sandbox.status'));
    expect(JSON.parse(frame.split('\n')[1]!.replace(/^data: /, ''))).toEqual(status);
  });
});

/**
 * A live tail belongs to the page that started it, over the real web bridge and a real sandbox:
 * it stops when the page's last event stream closes, or when a page that started one never opens
 * its stream; a page with a second stream open keeps it; calls that name no page own nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { composeCore, type ComposedCore } from '../../electron/core/compose-core.js';
import { openConfFile } from '../../electron/core/profiles/conf-file.js';
import { PAGE_HEADER, startWebBridge, type WebBridge } from '../../electron/web/web-bridge.js';
import { callBridge } from '../support/bridge-call.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const GRACE_MS = 800;
let sandbox: TestSandbox;
let composed: ComposedCore;
let bridge: WebBridge;
let profileId: string;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  const staticDir = mkdtempSync(join(tmpdir(), 'cst-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  composed = composeCore({ transport: 'web', version: '0.0.0', dataDir: mkdtempSync(join(tmpdir(), 'cst-owner-')), sandbox: null, openSettingsFile: openConfFile, keychainService: `clickstack-tray-test-owner-${process.pid}` });
  bridge = await startWebBridge({ core: composed.core, staticDir, pageAttachGraceMs: GRACE_MS });
  const created = await callBridge(bridge, 'profiles.create', { fields: { name: 'Owned', otlpEndpoint: sandbox.otlp, clickhouseUrl: sandbox.clickhouse } });
  profileId = (JSON.parse(created.text) as { result: { id: string } }).result.id;
}, 90_000);
afterAll(async () => {
  await bridge?.close();
  composed?.traces.stopAll();
  await sandbox?.dispose();
});

/** Opens the page's event stream, as its EventSource does; resolves once the stream answered. */
async function openStream(page: string): Promise<AbortController> {
  const controller = new AbortController();
  const response = await fetch(`${bridge.url}/api/events?page=${page}`, { headers: { 'x-clickstack-token': bridge.token }, signal: controller.signal });
  expect(response.status).toBe(200);
  void response.body!.pipeTo(new WritableStream()).catch(() => undefined);
  return controller;
}

async function startTail(page?: string): Promise<string> {
  const { status, text } = await callBridge(bridge, 'tail.start', { profileId, query: '', allServices: true }, page ? { [PAGE_HEADER]: page } : {});
  expect(status).toBe(200);
  return (JSON.parse(text) as { result: { sessionId: string } }).result.sessionId;
}

/** Whether the trace service still runs this tail: stopping a live one answers true (and stops it). */
const stillLive = (sessionId: string) => composed.traces.stopTail(sessionId);

describe('tail ownership on the web bridge', () => {
  it('stops a page’s tails when its last event stream closes, not before', async () => {
    const first = await openStream('page-aaaaaaaa');
    const second = await openStream('page-aaaaaaaa');
    const tails = [await startTail('page-aaaaaaaa'), await startTail('page-aaaaaaaa')];
    expect(composed.core.tailsOf('page:page-aaaaaaaa')).toBe(2);
    first.abort();
    await new Promise((r) => setTimeout(r, 300));
    expect(composed.core.tailsOf('page:page-aaaaaaaa')).toBe(2);
    second.abort();
    await vi.waitFor(() => expect(composed.core.tailsOf('page:page-aaaaaaaa')).toBe(0), { timeout: 2_000, interval: 50 });
    expect(tails.map(stillLive)).toEqual([false, false]);
  });

  it('stops the tail of a page that never opens its stream, after the grace period', async () => {
    const tail = await startTail('page-bbbbbbbb');
    expect(composed.core.tailsOf('page:page-bbbbbbbb')).toBe(1);
    await vi.waitFor(() => expect(composed.core.tailsOf('page:page-bbbbbbbb')).toBe(0), { timeout: GRACE_MS + 2_000, interval: 50 });
    expect(stillLive(tail)).toBe(false);
  });

  it('keeps a tail stopped by its page out of the page’s books, and leaves calls without a page unowned', async () => {
    const stream = await openStream('page-cccccccc');
    const tail = await startTail('page-cccccccc');
    await callBridge(bridge, 'tail.stop', { sessionId: tail }, { [PAGE_HEADER]: 'page-cccccccc' });
    expect(composed.core.tailsOf('page:page-cccccccc')).toBe(0);
    const unowned = await startTail();
    stream.abort();
    await new Promise((r) => setTimeout(r, GRACE_MS + 300));
    expect(stillLive(unowned)).toBe(true);
  });
});

/**
 * A scripted run of the whole setup with a known password and token, then a search of
 * every file the app wrote, everything it logged and every payload it sent to the page.
 */
import { readdirSync, readFileSync, statSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeCore } from '../../electron/core/compose-core.js';
import { openConfFile } from '../../electron/core/profiles/conf-file.js';
import { KeychainVault } from '../../electron/core/vault/keychain-vault.js';
import { startWebBridge, type WebBridge } from '../../electron/web/web-bridge.js';
import { keychainAvailability } from '../support/keychain.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';
import { callBridge } from '../support/bridge-call.js';

const PASSWORD = `pw-${randomUUID()}`;
const TOKEN = `tok-${randomUUID()}`;
const service = `clickstack-tray-test-${randomUUID()}`;

let sandbox: TestSandbox;
let bridge: WebBridge;
let dataDir: string;
const logged: string[] = [];
const payloads: string[] = [];
let availability: { available: boolean; reason: string };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

beforeAll(async () => {
  availability = await keychainAvailability();
  if (!availability.available) return;
  sandbox = await startTestSandbox({ args: ['--clickhouse-password-env', 'CST_PW', '--auth-token-env', 'CST_TOKEN'], env: { CST_PW: PASSWORD, CST_TOKEN: TOKEN } });
  dataDir = mkdtempSync(join(tmpdir(), 'cst-leak-'));
  for (const level of ['log', 'error', 'warn', 'info'] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
      original(...args);
    };
  }
  const { core } = composeCore({ transport: 'web', version: '0.0.0', dataDir, sandbox: null, openSettingsFile: openConfFile, keychainService: service });
  core.onEvent((event, payload) => payloads.push(`${event} ${JSON.stringify(payload)}`));
  await core.start();
  bridge = await startWebBridge({ core, staticDir: dataDir });
});

afterAll(async () => {
  await bridge?.close();
  await sandbox?.dispose();
  if (availability?.available) {
    const vault = new KeychainVault(service);
    // Remove whatever this run stored under its test-only service name.
    const { findCredentialsAsync } = await import('@napi-rs/keyring');
    for (const cred of await findCredentialsAsync(service)) await vault.delete(cred.account);
  }
});

async function call(method: string, input: unknown): Promise<unknown> {
  const { text } = await callBridge(bridge, method, input);
  payloads.push(text);
  return (JSON.parse(text) as { result?: unknown }).result;
}

describe('secrets', () => {
  it('never appear in files, logs, HTTP answers, the event stream or payloads, through every feature', async ({ skip }) => {
    if (!availability.available) skip(availability.reason);
    // The raw event stream, as the page reads it.
    const streamed: string[] = [];
    const controller = new AbortController();
    const events = await fetch(`${bridge.url}/api/events`, { headers: { 'x-clickstack-token': bridge.token }, signal: controller.signal });
    const reading = (async () => {
      const reader = events.body!.getReader();
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        streamed.push(Buffer.from(value!).toString('utf8'));
      }
    })();

    const created = (await call('profiles.create', {
      fields: { name: 'Leak check', otlpEndpoint: sandbox.otlp, clickhouseUrl: sandbox.clickhouse, healthUrl: sandbox.health },
    })) as { id: string };
    await call('secrets.set', { profileId: created.id, kind: 'clickhousePassword', value: PASSWORD });
    await call('secrets.set', { profileId: created.id, kind: 'otlpToken', value: TOKEN });
    const steps: Record<string, string> = {};
    for (const step of ['clickhouse', 'collector', 'otlp', 'truefoundry', 'spans']) {
      steps[step] = ((await call('setup.runStep', { profileId: created.id, step })) as { status: string }).status;
    }
    // The secrets were really used: the password-protected ClickHouse and the token-checking receiver accepted them.
    expect(steps).toMatchObject({ clickhouse: 'passed', collector: 'passed', otlp: 'passed' });
    await call('setup.guide', { profileId: created.id });
    const copy = (await call('profiles.duplicate', { id: created.id })) as { id: string; passwordSet: boolean; tokenSet: boolean };
    // A copy leaves the secrets with its source (it may point at another server): the keychain holds one of each.
    expect(copy).toMatchObject({ passwordSet: false, tokenSet: false });
    const state = (await call('profiles.list', {})) as { profiles: { passwordSet: boolean; tokenSet: boolean }[] };
    expect(state.profiles.filter((p) => p.passwordSet && p.tokenSet)).toHaveLength(1);

    // Every other feature, with the secrets in use.
    await call('profiles.activate', { id: created.id });
    const tail = (await call('tail.start', { profileId: created.id, query: '', allServices: true })) as { sessionId: string };
    const trace = (await call('testTrace.run', { profileId: created.id, useGatewayServiceName: true })) as { ok: boolean; traceId: string; summary: string };
    expect(trace.ok, trace.summary).toBe(true);
    await new Promise((r) => setTimeout(r, 2_500)); // one tail poll brings the test trace's spans
    expect(payloads.some((p) => p.startsWith('tail.batch') && p.includes(trace.traceId))).toBe(true);
    await call('tail.stop', { sessionId: tail.sessionId });
    await call('pipeline.checkNow', { profileId: created.id });
    const now = Date.now();
    const found = (await call('traces.search', { profileId: created.id, query: `trace:${trace.traceId}`, fromMs: now - 3_600_000, toMs: now + 60_000, allServices: true })) as { spans: unknown[] };
    expect(found.spans.length).toBeGreaterThan(0);
    expect(((await call('traces.get', { profileId: created.id, traceId: trace.traceId })) as { spanId: unknown[] }).spanId.length).toBeGreaterThan(0);
    await call('traces.models', { profileId: created.id, fromMs: now - 3_600_000, toMs: now + 60_000 });
    for (const method of ['pipeline.statuses', 'pipeline.incidents', 'testTrace.history', 'app.getInfo', 'sandbox.getStatus']) await call(method, {});
    // In the browser the token is never copied through the page.
    expect(await call('secrets.copy', { profileId: created.id, kind: 'otlpToken' })).toMatchObject({ copied: false });

    // Over gRPC the token travels as `authorization` metadata: the checks, the guide and the test trace still echo nothing.
    const view = ((await call('profiles.list', {})) as { profiles: Record<string, unknown>[] }).profiles.find((p) => p.id === created.id)!;
    const { id: _id, kind: _kind, passwordSet: _ps, tokenSet: _ts, warnings: _w, ...fields } = view;
    await call('profiles.update', { id: created.id, fields: { ...fields, otlpProtocol: 'grpc', otlpGrpcEndpoint: `http://${sandbox.otlpGrpc}` } });
    expect(((await call('setup.runStep', { profileId: created.id, step: 'otlp' })) as { status: string }).status).toBe('passed');
    await call('setup.guide', { profileId: created.id });
    const overGrpc = (await call('testTrace.run', { profileId: created.id, useGatewayServiceName: false })) as { ok: boolean; protocol: string };
    expect([overGrpc.ok, overGrpc.protocol]).toEqual([true, 'grpc']);

    // Wrong secrets must not echo either (each contains the right one, so an echo of either is caught).
    await call('secrets.set', { profileId: created.id, kind: 'clickhousePassword', value: `${PASSWORD}-typo` });
    await call('secrets.set', { profileId: created.id, kind: 'otlpToken', value: `${TOKEN}-typo` });
    for (const step of ['clickhouse', 'otlp']) expect(((await call('setup.runStep', { profileId: created.id, step })) as { status: string }).status).toBe('failed');
    await call('profiles.update', { id: created.id, fields: { ...fields, otlpProtocol: 'http/protobuf' } });
    expect(((await call('setup.runStep', { profileId: created.id, step: 'otlp' })) as { status: string }).status).toBe('failed');
    expect(((await call('testTrace.run', { profileId: created.id, useGatewayServiceName: false })) as { ok: boolean }).ok).toBe(false);
    await call('pipeline.checkNow', { profileId: created.id });
    await new Promise((r) => setTimeout(r, 200)); // let profiles.changed events flush
    controller.abort();
    await reading;
    expect(streamed.join('')).toContain('tail.batch');

    const files = filesUnder(dataDir);
    expect(files.some((f) => f.endsWith('config.json'))).toBe(true);
    const haystacks = [...files.map((f) => readFileSync(f, 'utf8')), ...logged, ...payloads, ...streamed];
    expect(payloads.length).toBeGreaterThan(15);
    for (const secret of [PASSWORD, TOKEN]) {
      expect(haystacks.filter((h) => h.includes(secret))).toEqual([]);
    }
  });

  it('are copied to the clipboard by the desktop app itself: the answer to the page holds no secret', async ({ skip }) => {
    if (!availability.available) skip(availability.reason);
    const clipboard: string[] = [];
    const home = mkdtempSync(join(tmpdir(), 'cst-leak-electron-'));
    const { core } = composeCore({ transport: 'electron', version: '0.0.0', dataDir: home, sandbox: null, openSettingsFile: openConfFile, keychainService: service, writeClipboard: (t) => clipboard.push(t) });
    await core.start();
    try {
      const created = (await core.call('profiles.create', { fields: { name: 'Copy', otlpEndpoint: 'https://otel.example.com/v1/traces', clickhouseUrl: 'https://ch.example.com:8443' } })) as { id: string };
      expect(await core.call('secrets.copy', { profileId: created.id, kind: 'otlpToken' })).toEqual({ copied: false, detail: 'This profile has no OTLP token set.' });
      await core.call('secrets.set', { profileId: created.id, kind: 'otlpToken', value: TOKEN });
      const answer = await core.call('secrets.copy', { profileId: created.id, kind: 'otlpToken' });
      expect(answer).toEqual({ copied: true, detail: 'The OTLP token is on the clipboard.' });
      expect(JSON.stringify(answer)).not.toContain(TOKEN);
      expect(clipboard).toEqual([TOKEN]);
    } finally {
      await core.stop();
    }
  });
});

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
  const response = await fetch(`${bridge.url}/api/call/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-clickstack-token': bridge.token },
    body: JSON.stringify(input),
  });
  const text = await response.text();
  payloads.push(text);
  return (JSON.parse(text) as { result?: unknown }).result;
}

describe('secrets', () => {
  it('never appear in settings files, logs or payloads to the renderer', async ({ skip }) => {
    if (!availability.available) skip(availability.reason);
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
    await call('profiles.duplicate', { id: created.id });
    const state = (await call('profiles.list', {})) as { profiles: { passwordSet: boolean; tokenSet: boolean }[] };
    expect(state.profiles.filter((p) => p.passwordSet && p.tokenSet)).toHaveLength(2);
    // A wrong password must not echo either.
    await call('secrets.set', { profileId: created.id, kind: 'clickhousePassword', value: `${PASSWORD}-typo` });
    await call('setup.runStep', { profileId: created.id, step: 'clickhouse' });
    await new Promise((r) => setTimeout(r, 200)); // let profiles.changed events flush

    const files = filesUnder(dataDir);
    expect(files.some((f) => f.endsWith('config.json'))).toBe(true);
    const haystacks = [...files.map((f) => readFileSync(f, 'utf8')), ...logged, ...payloads];
    expect(payloads.length).toBeGreaterThan(15);
    for (const secret of [PASSWORD, TOKEN]) {
      expect(haystacks.filter((h) => h.includes(secret))).toEqual([]);
    }
  });
});

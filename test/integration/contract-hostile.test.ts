/**
 * Every contract method, called with hostile input over both transports (the web bridge
 * over real HTTP, and the IPC handler the Electron shell registers, fed structured-cloned
 * input as Electron would): wrong types, extra fields, huge strings, prototype-pollution
 * keys. Each call must be refused with a short message, and nothing may change.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError, methodNames, type MethodInput, type MethodName } from '../../electron/shared/contract.js';
import { composeCore, type ComposedCore } from '../../electron/core/compose-core.js';
import { openConfFile } from '../../electron/core/profiles/conf-file.js';
import { contractHandler } from '../../electron/main/ipc-handler.js';
import { startWebBridge, type WebBridge } from '../../electron/web/web-bridge.js';
import { callBridge } from '../support/bridge-call.js';

const HUGE = 'x'.repeat(200_000);
const TRACE_ID = 'a'.repeat(32);
const FIELDS = { name: 'Prod', otlpEndpoint: 'https://otel.example.com/v1/traces', clickhouseUrl: 'https://ch.example.com:8443' };

const RULE = { id: 'slow-ttft', name: 'Slow first token', enabled: true, metric: 'p95TtftMs', scope: { kind: 'model', value: 'openai-main/gpt-4o' }, windowMinutes: 15, threshold: { kind: 'absolute', value: 1500 }, minRequests: 20, forMinutes: 1 } as const;

/** A valid input for every method: each hostile case is one change away from it. */
const VALID: { [M in MethodName]: MethodInput<M> } = {
  'app.getInfo': {},
  'app.openExternal': { url: 'https://example.com/' },
  'app.getLoginItem': {},
  'app.setLoginItem': { enabled: false },
  'sandbox.getStatus': {},
  'sandbox.restart': {},
  'profiles.list': {},
  'profiles.create': { fields: FIELDS },
  'profiles.update': { id: 'local-sandbox', fields: FIELDS },
  'profiles.duplicate': { id: 'local-sandbox' },
  'profiles.delete': { id: 'local-sandbox' },
  'profiles.activate': { id: 'local-sandbox' },
  'secrets.set': { profileId: 'local-sandbox', kind: 'clickhousePassword', value: 'hunter2' },
  'secrets.clear': { profileId: 'local-sandbox', kind: 'clickhousePassword' },
  'secrets.copy': { profileId: 'local-sandbox', kind: 'otlpToken' },
  'vault.useMemory': {},
  'setup.guide': { profileId: 'local-sandbox' },
  'setup.runStep': { profileId: 'local-sandbox', step: 'clickhouse' },
  'testTrace.run': { profileId: 'local-sandbox', useGatewayServiceName: false },
  'testTrace.history': {},
  'pipeline.statuses': {},
  'pipeline.checkNow': { profileId: 'local-sandbox' },
  'pipeline.incidents': {},
  'pipeline.pauseNotifications': { minutes: 5 },
  'tail.start': { profileId: 'local-sandbox', query: '', allServices: false },
  'tail.stop': { sessionId: 'none' },
  'traces.search': { profileId: 'local-sandbox', query: '', fromMs: 0, toMs: 1, limit: 10, allServices: false },
  'traces.get': { profileId: 'local-sandbox', traceId: TRACE_ID },
  'traces.requests': { profileId: 'local-sandbox', query: '', fromMs: 0, toMs: 1, limit: 10, allServices: false },
  'traces.fields': { profileId: 'local-sandbox' },
  'traces.summary': { profileId: 'local-sandbox', fromMs: 0, toMs: 1, allServices: false },
  'query.cancel': { queryId: '0b7c3c1e-5a3e-4a43-9d55-3f1f0f4f7a10' },
  'traces.conversation': { profileId: 'local-sandbox', conversationId: 'conv-1' },
  'traces.payload': { profileId: 'local-sandbox', traceId: TRACE_ID, spanId: 'b'.repeat(16) },
  'prices.get': {},
  'prices.setOverride': { model: 'gpt-4o', price: { inputPerMTok: 2.5, outputPerMTok: 10.25 } },
  'prices.removeOverride': { model: 'gpt-4o' },
  'prices.lookup': { items: [{ provider: 'openai', model: 'gpt-4o' }] },
  'alerts.rules': { profileId: 'local-sandbox' },
  'alerts.saveRule': { profileId: 'local-sandbox', rule: RULE },
  'alerts.removeRule': { profileId: 'local-sandbox', ruleId: 'model-errors' },
  'alerts.resetRules': { profileId: 'local-sandbox' },
  'alerts.preview': { profileId: 'local-sandbox', rule: RULE },
  'alerts.status': {},
  'alerts.evaluate': { profileId: 'local-sandbox' },
};

/** Values no field of the given kind accepts. */
function wrongFor(value: unknown): unknown[] {
  if (typeof value === 'string') return [12345, {}, [], true, HUGE];
  // A field whose valid value is a fraction (a price) takes fractions: a negative one is its wrong number.
  if (typeof value === 'number') return ['5', {}, [], Number.isInteger(value) ? 1.5 : -1, -Infinity === value ? 0 : Number.NaN];
  if (typeof value === 'boolean') return ['true', 1, {}];
  return [null, 'x', 42, []];
}

interface Case {
  what: string;
  /** JSON text: how the web bridge receives it; IPC gets the structured clone of its parse. */
  body: string;
}

function hostileCases(method: MethodName): Case[] {
  const valid = VALID[method] as Record<string, unknown>;
  const json = JSON.stringify(valid);
  const cases: Case[] = [
    ...[null, 42, 'text', [], true].map((v) => ({ what: `input ${JSON.stringify(v)}`, body: JSON.stringify(v) })),
    { what: 'an extra field', body: JSON.stringify({ ...valid, extra: 1 }) },
    // As text, so the keys are real own keys, the way an attacker's JSON arrives.
    { what: '__proto__ key', body: json.replace(/^\{/, '{"__proto__":{"polluted":true}' + (json === '{}' ? '' : ',')) },
    { what: 'constructor.prototype key', body: json.replace(/^\{/, '{"constructor":{"prototype":{"polluted":true}}' + (json === '{}' ? '' : ',')) },
  ];
  for (const [key, value] of Object.entries(valid)) {
    for (const bad of wrongFor(value)) cases.push({ what: `${key} = ${JSON.stringify(bad).slice(0, 20)}`, body: JSON.stringify({ ...valid, [key]: bad }) });
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const inner = value as Record<string, unknown>;
      cases.push({ what: `${key} with an extra field`, body: JSON.stringify({ ...valid, [key]: { ...inner, extra: 1 } }) });
      for (const [k, v] of Object.entries(inner)) for (const bad of wrongFor(v)) cases.push({ what: `${key}.${k} = ${JSON.stringify(bad).slice(0, 20)}`, body: JSON.stringify({ ...valid, [key]: { ...inner, [k]: bad } }) });
    }
  }
  return cases;
}

let home: string;
let composed: ComposedCore;
let bridge: WebBridge;
const opened: string[] = [];

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'cst-hostile-'));
  composed = composeCore({
    transport: 'web',
    version: '0.0.0',
    dataDir: home,
    sandbox: null,
    openSettingsFile: openConfFile,
    keychainService: `clickstack-tray-test-${randomUUID()}`,
    openExternal: async (url) => void opened.push(url),
  });
  await composed.core.start();
  bridge = await startWebBridge({ core: composed.core, staticDir: home });
});
afterAll(async () => {
  await bridge?.close();
  await composed?.core.stop();
  rmSync(home, { recursive: true, force: true });
});

/** Everything a refused call could have changed. */
async function snapshot(): Promise<string> {
  const { core, testTraces, pipeline } = composed;
  const file = (() => {
    try {
      return readFileSync(join(home, 'config.json'), 'utf8');
    } catch {
      return '(none)';
    }
  })();
  return JSON.stringify([await core.call('profiles.list', {}), file, testTraces.history.list().length, pipeline.notifier.incidents.length, pipeline.notifier.pausedUntilMs, opened]);
}

describe('hostile contract calls', () => {
  it('are all refused over the web bridge and the IPC handler, with short messages, and change nothing', async () => {
    const before = await snapshot();
    let count = 0;
    for (const method of methodNames) {
      const ipc = contractHandler(composed.core, method);
      for (const c of hostileCases(method)) {
        const where = `${method} with ${c.what}`;
        const { status, text } = await callBridge(bridge, method, c.body);
        expect(status, `${where} over HTTP: ${text.slice(0, 200)}`).toBe(400);
        // The message explains; it never echoes a huge value back.
        expect(text.length, where).toBeLessThan(2_000);
        expect((JSON.parse(text) as { error: { message: string } }).error.message, where).not.toBe('');

        const refused = await ipc({ senderFrame: { url: 'app://renderer/index.html' } }, structuredClone(JSON.parse(c.body))).then(
          () => null,
          (e: unknown) => e,
        );
        expect(refused, `${where} over IPC`).toBeInstanceOf(ContractError);
        expect((refused as ContractError).code, where).toBe('bad_request');
        count += 2;
      }
    }
    expect(await snapshot()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    console.log(`hostile contract calls: ${count} refused across ${methodNames.length} methods`);
  });

  it('refuses a body over the size limit, an unknown method, and a call from a foreign frame', async () => {
    const huge = await callBridge(bridge, 'profiles.create', { fields: { ...FIELDS, name: 'x'.repeat(2 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    const unknown = await callBridge(bridge, '__proto__', '{}');
    expect(unknown.status).toBe(404);
    const foreign = await contractHandler(composed.core, 'profiles.list')({ senderFrame: { url: 'https://evil.example/' } }, {}).catch((e: unknown) => e);
    expect((foreign as ContractError).code).toBe('forbidden');
    const noFrame = await contractHandler(composed.core, 'profiles.list')({ senderFrame: null }, {}).catch((e: unknown) => e);
    expect((noFrame as ContractError).code).toBe('forbidden');
  });
});

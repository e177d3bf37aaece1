/** Pins the contract: its method and event names, their types, and strict input checking. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ContractError,
  eventNames,
  methodNames,
  parseInput,
  parseOutput,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type TrayApi,
} from '../../electron/shared/contract.js';
import { eventChannel, methodChannel } from '../../electron/shared/ipc-channels.js';

describe('contract', () => {
  it('has exactly the methods and events the renderer uses', () => {
    expect([...methodNames].sort()).toEqual([
      'alerts.evaluate',
      'alerts.preview',
      'alerts.removeRule',
      'alerts.resetRules',
      'alerts.rules',
      'alerts.saveRule',
      'alerts.status',
      'app.getInfo',
      'app.getLoginItem',
      'app.openExternal',
      'app.setLoginItem',
      'pipeline.checkNow',
      'pipeline.incidents',
      'pipeline.pauseNotifications',
      'pipeline.statuses',
      'prices.get',
      'prices.lookup',
      'prices.removeOverride',
      'prices.setOverride',
      'profiles.activate',
      'profiles.create',
      'profiles.delete',
      'profiles.duplicate',
      'profiles.list',
      'profiles.update',
      'query.cancel',
      'sandbox.getStatus',
      'sandbox.restart',
      'secrets.clear',
      'secrets.copy',
      'secrets.set',
      'setup.guide',
      'setup.runStep',
      'tail.start',
      'tail.stop',
      'testTrace.history',
      'testTrace.run',
      'traces.conversation',
      'traces.fields',
      'traces.get',
      'traces.payload',
      'traces.requests',
      'traces.search',
      'traces.summary',
      'vault.useMemory',
    ]);
    expect(eventNames).toEqual(['sandbox.status', 'profiles.changed', 'testTrace.progress', 'pipeline.status', 'pipeline.notification', 'pipeline.paused', 'app.navigate', 'tail.batch', 'tail.state', 'alerts.status', 'query.progress']);
  });

  it('pins the types of inputs, outputs and events', () => {
    expectTypeOf<MethodInput<'secrets.set'>>().toEqualTypeOf<{ profileId: string; kind: 'clickhousePassword' | 'otlpToken'; value: string }>();
    // Secret values never travel to the renderer: only whether they are set.
    expectTypeOf<MethodOutput<'profiles.list'>['profiles'][number]>().toHaveProperty('passwordSet').toEqualTypeOf<boolean>();
    expectTypeOf<MethodOutput<'profiles.list'>['profiles'][number]>().not.toHaveProperty('password');
    expectTypeOf<MethodInput<'app.openExternal'>>().toEqualTypeOf<{ url: string }>();
    expectTypeOf<MethodOutput<'app.openExternal'>>().toEqualTypeOf<{ opened: boolean }>();
    expectTypeOf<MethodOutput<'app.getInfo'>['transport']>().toEqualTypeOf<'electron' | 'web'>();
    expectTypeOf<EventPayload<'sandbox.status'>['state']>().toEqualTypeOf<'disabled' | 'starting' | 'running' | 'stopped' | 'crashed'>();
    expectTypeOf<EventPayload<'tail.state'>>().toEqualTypeOf<{ sessionId: string; live: boolean; detail: string }>();
    expectTypeOf<TrayApi['invoke']>().parameter(0).toEqualTypeOf<MethodName>();
    // @ts-expect-error: a method that is not in the contract does not type-check
    expectTypeOf<MethodInput<'app.nope'>>();
  });

  it('refuses extra keys and wrong types with a sentence that names the field', () => {
    expect(() => parseInput('app.getInfo', { extra: true })).toThrow(ContractError);
    expect(() => parseInput('app.openExternal', { url: 5 })).toThrow(/url/);
    expect(() => parseInput('app.openExternal', { url: 'x'.repeat(3000) })).toThrow(/url/);
    expect(parseInput('app.openExternal', { url: 'https://clickhouse.com/docs' })).toEqual({ url: 'https://clickhouse.com/docs' });
  });

  it('checks outputs too, so a handler bug never reaches the page', () => {
    expect(() => parseOutput('app.openExternal', { opened: 'yes' })).toThrow(/Invalid result from app.openExternal/);
  });

  it('derives IPC channel names from the contract', () => {
    expect(methodChannel('app.getInfo')).toBe('clickstack:call:app.getInfo');
    expect(eventChannel('sandbox.status')).toBe('clickstack:event:sandbox.status');
  });
});

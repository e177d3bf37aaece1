/**
 * The Electron-free heart of the app: it answers every contract method and emits
 * every contract event. Both transports (IPC and the web bridge) call `call()` and
 * subscribe with `onEvent()`; neither knows what the handlers do.
 */
import type { Prices } from './semantics/price-catalog.js';
import {
  ContractError,
  isMethodName,
  parseEvent,
  parseInput,
  parseOutput,
  type EventName,
  type EventPayload,
  type MethodName,
  type MethodOutput,
  type ParsedInput,
} from '../shared/contract.js';
import { TypedEmitter } from './typed-emitter.js';
import { DomainError, type DomainErrorKind } from './errors.js';
import { CancelledError } from './clickhouse/running-queries.js';
import { logger } from './log.js';
import type { SandboxSupervisor } from './sandbox-supervisor.js';
import { SANDBOX_PROFILE_ID } from '../shared/profile-schema.js';
import type { ProfilesService } from './profiles/profiles-service.js';
import type { SetupService } from './setup/setup-service.js';
import type { VaultManager } from './vault/vault-manager.js';
import type { TestTraceRunner } from './test-trace/test-trace-runner.js';
import type { PipelineMonitor } from './health/pipeline-monitor.js';
import type { TraceService } from './traces/trace-service.js';
import type { AlertService } from './alerts/alert-service.js';
import type { AlertRulesStore } from './alerts/alert-rules-store.js';
import { previewRule } from './alerts/alert-preview.js';

const log = logger('core');

/** Domain failures become the contract's codes here, at the transport, and nowhere else. */
const CONTRACT_CODE: Record<DomainErrorKind, 'bad_request' | 'unauthorized' | 'unavailable' | 'internal'> = {
  bad_input: 'bad_request',
  not_found: 'bad_request',
  // ClickHouse refusing a user is not the page's session being refused: 'unavailable', not 401.
  unauthorized: 'unavailable',
  unavailable: 'unavailable',
  internal: 'internal',
};

function toContractError(error: unknown): unknown {
  if (error instanceof ContractError) return error;
  if (error instanceof CancelledError) return new ContractError('cancelled', error.message);
  if (error instanceof DomainError) return new ContractError(CONTRACT_CODE[error.kind], error.message);
  return error;
}

export type Handlers = { [M in MethodName]: (input: ParsedInput<M>) => Promise<MethodOutput<M>> };
type EventMap = { [E in EventName]: EventPayload<E> };
export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface TrayCoreOptions {
  transport: 'electron' | 'web';
  version: string;
  dataDir: string;
  /** Opens a link in the OS browser; the web bridge has none and lets the page open it. */
  openExternal?: (url: string) => Promise<void>;
  /** Start at login (the Electron shell's; the web bridge has none). */
  loginItem?: { read(): { supported: boolean; enabled: boolean; detail: string }; write(enabled: boolean): { supported: boolean; enabled: boolean; detail: string } };
  /** Writes the OS clipboard (Electron's main process); the web bridge has none, so secrets are never copied there. */
  writeClipboard?: (text: string) => void;
  sandbox: SandboxSupervisor | null;
  /** Why there is no sandbox, when it is not simply turned off for this run (e.g. no chDB build for this OS). */
  sandboxOffReason?: string;
  profiles: ProfilesService;
  setup: SetupService;
  vault: VaultManager;
  testTraces: TestTraceRunner;
  pipeline: PipelineMonitor;
  traces: TraceService;
  prices: Prices;
  alerts: AlertService;
  alertRules: AlertRulesStore;
  clock?: () => number;
}

const NO_LOGIN_ITEM = { supported: false, enabled: false, detail: 'Start at login belongs to the desktop app; the browser version starts when you run it.' };

export class TrayCore {
  private readonly emitter = new TypedEmitter<EventMap>();
  private readonly anyListeners = new Set<EventListener>();
  /** Live tails by the page that started them (see `call`'s `owner`). */
  private readonly tailOwners = new Map<string, Set<string>>();
  readonly handlers: Handlers;

  constructor(private readonly options: TrayCoreOptions) {
    this.handlers = {
      'app.getInfo': async () => ({
        name: 'clickstack-tray',
        version: options.version,
        transport: options.transport,
        platform: `${process.platform}-${process.arch}`,
        runtime: process.versions.electron ? `Electron ${process.versions.electron}` : `Node ${process.versions.node}`,
        dataDir: options.dataDir,
      }),
      'app.openExternal': async ({ url }) => {
        if (!options.openExternal) return { opened: false };
        await options.openExternal(url);
        return { opened: true };
      },
      'app.getLoginItem': async () => options.loginItem?.read() ?? NO_LOGIN_ITEM,
      'app.setLoginItem': async ({ enabled }) => {
        if (!options.loginItem) return NO_LOGIN_ITEM;
        return options.loginItem.write(enabled);
      },
      'sandbox.getStatus': async () => this.sandboxStatus(),
      'sandbox.restart': async () => {
        if (!options.sandbox) return this.sandboxStatus();
        return options.sandbox.restart();
      },
      'profiles.list': () => options.profiles.state(),
      'profiles.create': ({ fields }) => options.profiles.create(fields),
      'profiles.update': ({ id, fields }) => options.profiles.update(id, fields),
      'profiles.duplicate': ({ id }) => options.profiles.duplicate(id),
      'profiles.delete': ({ id }) => options.profiles.delete(id),
      'profiles.activate': ({ id }) => options.profiles.activate(id),
      'secrets.set': async ({ profileId, kind, value }) => {
        await options.profiles.setSecret(profileId, kind, value);
        return { set: true as const };
      },
      'secrets.clear': async ({ profileId, kind }) => {
        await options.profiles.clearSecret(profileId, kind);
        return { set: false as const };
      },
      'secrets.copy': async ({ profileId, kind }) => {
        const what = kind === 'otlpToken' ? 'OTLP token' : 'ClickHouse password';
        if (!options.writeClipboard) return { copied: false, detail: `In the browser the ${what} stays in the keychain: copying it would send it to this page. Copy it from where you keep it, or use the desktop app.` };
        const value = await options.profiles.secret(profileId, kind);
        if (value === null) return { copied: false, detail: `This profile has no ${what} set.` };
        options.writeClipboard(value);
        return { copied: true, detail: `The ${what} is on the clipboard.` };
      },
      'vault.useMemory': async () => {
        options.vault.useMemory();
        this.profilesChanged();
        return options.profiles.state();
      },
      'setup.guide': ({ profileId }) => options.setup.guide(profileId),
      'setup.runStep': ({ profileId, step }) => options.setup.runStep(profileId, step),
      'testTrace.run': ({ profileId, useGatewayServiceName }) => options.testTraces.run(profileId, useGatewayServiceName, (partial) => this.emit('testTrace.progress', partial)),
      'testTrace.history': async () => options.testTraces.history.list(),
      'pipeline.statuses': async () => options.pipeline.statuses(),
      'pipeline.checkNow': async ({ profileId }) => {
        const monitor = options.pipeline.monitor(profileId);
        if (!monitor) throw new ContractError('bad_request', `Profile "${profileId.slice(0, 64)}" is not being monitored.`);
        return monitor.checkNow();
      },
      'pipeline.incidents': async () => ({ incidents: options.pipeline.notifier.incidents, pausedUntil: options.pipeline.notifier.pausedUntilMs }),
      'pipeline.pauseNotifications': async ({ minutes }) => {
        const until = minutes === 0 ? 0 : (options.clock ?? Date.now)() + minutes * 60_000;
        options.pipeline.notifier.pause(until);
        return { pausedUntil: until };
      },
      'tail.start': ({ profileId, query, allServices }) => options.traces.startTail(profileId, query, allServices),
      'tail.stop': async ({ sessionId }) => ({ stopped: options.traces.stopTail(sessionId) }),
      'traces.search': ({ profileId, allServices, ...input }) => options.traces.search(profileId, input, allServices),
      'traces.get': ({ profileId, traceId, aroundMs }) => options.traces.trace(profileId, traceId, aroundMs),
      'traces.requests': ({ profileId, allServices, ...input }) => options.traces.requests(profileId, input, allServices),
      'traces.fields': ({ profileId }) => options.traces.fields(profileId),
      'traces.summary': ({ profileId, allServices, ...q }) => options.traces.summary(profileId, q, allServices),
      'query.cancel': ({ queryId }) => options.traces.cancel(queryId),
      'prices.get': async () => options.prices.source(),
      'prices.setOverride': async ({ model, price }) => options.prices.setOverride(model, price),
      'prices.removeOverride': async ({ model }) => options.prices.removeOverride(model),
      'prices.lookup': async ({ items }) => ({ catalog: options.prices.catalogName, prices: items.map((i) => options.prices.catalog.lookup(i.provider, i.model)) }),
      'alerts.rules': async ({ profileId }) => options.alertRules.get(profileId),
      'alerts.saveRule': async ({ profileId, rule }) => options.alertRules.save(profileId, rule),
      'alerts.removeRule': async ({ profileId, ruleId }) => options.alertRules.remove(profileId, ruleId),
      'alerts.resetRules': async ({ profileId }) => options.alertRules.reset(profileId),
      'alerts.preview': async ({ profileId, rule }) => {
        options.alertRules.get(profileId);
        const target = await options.traces.target(profileId);
        return previewRule(target, target.serviceName, rule, (options.clock ?? Date.now)(), options.prices.catalog.priceOf);
      },
      'alerts.status': async () => options.alerts.statuses(),
      'alerts.evaluate': async ({ profileId }) => {
        options.alertRules.get(profileId);
        return options.alerts.evaluate(profileId);
      },
      'traces.conversation': ({ profileId, conversationId, aroundMs }) => options.traces.conversation(profileId, conversationId, aroundMs),
      'traces.payload': ({ profileId, traceId, spanId, aroundMs }) => options.traces.payload(profileId, traceId, spanId, aroundMs),
    };
    options.pipeline.onStatus((status) => this.emit('pipeline.status', status));
    options.pipeline.onNotification((n) => this.emit('pipeline.notification', n));
    options.pipeline.onPaused((pausedUntil) => this.emit('pipeline.paused', { pausedUntil }));
    options.alerts.onStatus((s) => this.emit('alerts.status', s));
    options.traces.onBatch((b) => this.emit('tail.batch', b));
    options.traces.onState((s) => this.emit('tail.state', s));
    options.traces.onProgress((p) => this.emit('query.progress', p));
    options.sandbox?.onStatus((status) => {
      this.emit('sandbox.status', status);
      // A sandbox that just came up should not wait out a failed poll's backoff to show as up.
      // A crash is checked at once too, so the Down (and its one notification) is not a poll interval late.
      if (status.state === 'running' || status.state === 'crashed') void options.pipeline.monitor(SANDBOX_PROFILE_ID)?.checkNow();
      // The sandbox profile's URLs follow the running sandbox.
      this.profilesChanged();
    });
  }

  /** Re-sends the profiles to every window; secret values are never part of it. */
  profilesChanged(): void {
    void this.options.pipeline.sync();
    void this.options.alerts.sync().catch((error: unknown) => log.error('alert rules sync failed', error));
    void this.options.profiles.state().then(
      (state) => this.emit('profiles.changed', state),
      (error: unknown) => log.error('profiles state failed', error),
    );
  }

  /**
   * Validates the method name, the input and the output: the same gate for every transport.
   * `owner` names the page that calls (an event-stream connection's page, a window): the live
   * tails it starts belong to it and stop when the transport calls `releaseOwner` for it.
   */
  async call(method: string, rawInput: unknown, owner?: string): Promise<unknown> {
    if (!isMethodName(method)) throw new ContractError('unknown_method', `There is no method called "${method.slice(0, 80)}".`);
    const output = await this.callTyped(method, rawInput);
    if (method === 'tail.start' && owner !== undefined) {
      const sessionId = (output as MethodOutput<'tail.start'>).sessionId;
      const mine = this.tailOwners.get(owner) ?? new Set<string>();
      mine.add(sessionId);
      this.tailOwners.set(owner, mine);
    } else if (method === 'tail.stop') {
      const { sessionId } = rawInput as { sessionId: string };
      for (const [who, sessions] of this.tailOwners) if (sessions.delete(sessionId) && sessions.size === 0) this.tailOwners.delete(who);
    }
    return output;
  }

  /** The page or window `owner` went away: its live tails stop now. Returns how many were stopped. */
  releaseOwner(owner: string): number {
    const sessions = this.tailOwners.get(owner);
    if (!sessions) return 0;
    this.tailOwners.delete(owner);
    let stopped = 0;
    for (const id of sessions) if (this.options.traces.stopTail(id)) stopped++;
    if (stopped > 0) log.info(`stopped ${stopped} live tail(s) of a page that went away`);
    return stopped;
  }

  /** How many live tails `owner` holds (for the transports' bookkeeping and the tests). */
  tailsOf(owner: string): number {
    return this.tailOwners.get(owner)?.size ?? 0;
  }

  private async callTyped<M extends MethodName>(method: M, rawInput: unknown): Promise<MethodOutput<M>> {
    const input = parseInput(method, rawInput);
    const handler = this.handlers[method] as (i: ParsedInput<M>) => Promise<MethodOutput<M>>;
    let output: MethodOutput<M>;
    try {
      output = await handler(input);
    } catch (error) {
      throw toContractError(error);
    }
    return parseOutput(method, output);
  }

  onEvent(listener: EventListener): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.emitter.on(event, listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = parseEvent(event, payload);
    this.emitter.emit(event, checked as EventMap[E]);
    for (const listener of this.anyListeners) listener(event, checked);
  }

  async start(): Promise<void> {
    await this.options.vault.init();
    this.profilesChanged();
    // Watch pipelines once the sandbox is up: a sandbox still starting is not an incident.
    await this.options.sandbox?.start();
    this.options.pipeline.start();
    this.options.alerts.start();
  }

  async stop(): Promise<void> {
    this.options.pipeline.stop();
    this.options.alerts.stop();
    this.options.traces.stopAll();
    await this.options.sandbox?.stop();
  }

  private sandboxStatus(): MethodOutput<'sandbox.getStatus'> {
    return (
      this.options.sandbox?.status ?? {
        state: 'disabled',
        detail: this.options.sandboxOffReason ?? 'The local sandbox is turned off for this run.',
        endpoints: null,
        dataDir: null,
        since: Date.now(),
      }
    );
  }
}

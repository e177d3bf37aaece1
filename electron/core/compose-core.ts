/** Wires the core's services together; the Electron shell and the web/CLI entry points differ only in the settings file and the transport. */
import { Prices } from './semantics/price-catalog.js';
import { join } from 'node:path';
import { loadSettingsFile } from './profiles/settings-file.js';
import { ProfileStore, type KeyValueFile } from './profiles/profile-store.js';
import { ProfilesService } from './profiles/profiles-service.js';
import type { SandboxSupervisor } from './sandbox-supervisor.js';
import { SetupService } from './setup/setup-service.js';
import { TrayCore, type TrayCoreOptions } from './tray-core.js';
import { TestTraceRunner } from './test-trace/test-trace-runner.js';
import { PipelineMonitor } from './health/pipeline-monitor.js';
import { TraceService } from './traces/trace-service.js';
import type { Clock } from './health/clock.js';
import { KeychainVault } from './vault/keychain-vault.js';
import { VaultManager } from './vault/vault-manager.js';
import { logger } from './log.js';
import { AlertService } from './alerts/alert-service.js';
import { AlertRulesStore } from './alerts/alert-rules-store.js';
import { rememberTablesIn } from './clickhouse/remembered-tables.js';

const log = logger('settings');

export const SETTINGS_FILE_NAME = 'config';

export interface ComposeOptions {
  transport: 'electron' | 'web';
  version: string;
  dataDir: string;
  sandbox: SandboxSupervisor | null;
  sandboxOffReason?: string;
  /** Opens config.json in dataDir: conf in plain Node, electron-store under Electron. */
  openSettingsFile: (dataDir: string) => KeyValueFile;
  openExternal?: (url: string) => Promise<void>;
  /** Start at login (Electron only). */
  loginItem?: TrayCoreOptions['loginItem'];
  /** The OS clipboard (Electron only): a secret copied through it never reaches the page. */
  writeClipboard?: (text: string) => void;
  /** Keychain service name; tests use their own. */
  keychainService?: string;
  /** Time for the pollers; tests inject one. */
  clock?: Clock;
}

export interface ComposedCore {
  core: TrayCore;
  profiles: ProfilesService;
  setup: SetupService;
  vault: VaultManager;
  testTraces: TestTraceRunner;
  pipeline: PipelineMonitor;
  traces: TraceService;
  alerts: AlertService;
  alertRules: AlertRulesStore;
  prices: Prices;
}

/** The traces tables described in earlier runs (schema facts only): the first search after a start skips describing. */
export const TABLE_DESCRIPTIONS_FILE = 'table-descriptions.json';

export function composeCore(options: ComposeOptions): ComposedCore {
  rememberTablesIn(join(options.dataDir, TABLE_DESCRIPTIONS_FILE));
  const loaded = loadSettingsFile(join(options.dataDir, `${SETTINGS_FILE_NAME}.json`));
  if (loaded.problem) log.warn(loaded.problem);
  const store = new ProfileStore(options.openSettingsFile(options.dataDir), loaded.settings);
  const vault = new VaultManager(new KeychainVault(options.keychainService));
  let core: TrayCore | null = null;
  const profiles = new ProfilesService(store, vault, options.sandbox, loaded.problem, () => core?.profilesChanged());
  const setup = new SetupService(profiles);
  const testTraces = new TestTraceRunner(profiles, setup, options.dataDir);
  const pipeline = new PipelineMonitor(profiles, setup, options.clock);
  const prices = new Prices(store);
  const traces = new TraceService((id) => setup.target(id), (id, db) => profiles.recordDatabase(id, db), prices.catalog.priceOf);
  const alertRules = new AlertRulesStore(store, () => void alerts.sync());
  const alerts = new AlertService({
    profiles: async () => (await profiles.state()).profiles.map((p) => ({ id: p.id, name: p.name, pollIntervalSeconds: p.pollIntervalSeconds })),
    rules: (id) => alertRules.rules(id),
    target: (id) => traces.target(id),
    notifier: pipeline.notifier,
    priceOf: prices.catalog.priceOf,
    // Spans arrive (Healthy), or the gateway is quiet while the canary still lands (Idle with its tile OK).
    ingestion: (id) => {
      const status = pipeline.monitor(id)?.status;
      if (!status) return { fine: false, state: null };
      const canaryLands = status.components.find((c) => c.id === 'canary')?.ok === true;
      return { fine: status.state === 'Healthy' || (status.state === 'Idle' && canaryLands), state: status.state };
    },
    clock: options.clock,
  });
  core = new TrayCore({
    transport: options.transport,
    version: options.version,
    dataDir: options.dataDir,
    sandbox: options.sandbox,
    sandboxOffReason: options.sandboxOffReason,
    openExternal: options.openExternal,
    writeClipboard: options.writeClipboard,
    loginItem: options.loginItem,
    profiles,
    setup,
    vault,
    testTraces,
    pipeline,
    traces,
    prices,
    alerts,
    alertRules,
    clock: options.clock ? () => options.clock!.now() : undefined,
  });
  return { core, profiles, setup, vault, testTraces, pipeline, traces, alerts, alertRules, prices };
}

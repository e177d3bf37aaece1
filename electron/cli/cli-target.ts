/**
 * What a CLI command checks: a saved profile (secrets from the keychain; the sandbox started
 * for the sandbox profile) or a pipeline given by the collector's own environment variables.
 */
import { appDataDir, sandboxDataDir } from '../core/app-paths.js';
import { composeCore } from '../core/compose-core.js';
import { openConfFile } from '../core/profiles/conf-file.js';
import { Option } from 'commander';
import { DEFAULT_SERVICE_NAME, effectiveHealthUrl, GrpcUrl, OTLP_PROTOCOLS, type OtlpProtocol } from '../shared/profile-schema.js';
import { appVersion } from '../node-shared/app-files.js';
import { SandboxSupervisor } from '../core/sandbox-supervisor.js';
import type { CheckTarget } from '../core/setup/check-target.js';
import type { AlertRule } from '../shared/alert-rules.js';
import type { PriceOf } from '../core/alerts/alert-query.js';
import { sandboxSelfCommand } from './self-command.js';
import { liveHolder, type LockHolder } from '../node-shared/instance-lock.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long the CLI waits for a sandbox another process is starting (or restarting, up to 30 s after a crash) to advertise its endpoints. */
export const RUNNING_SANDBOX_WAIT_MS = Number(process.env.CLICKSTACK_TRAY_SANDBOX_WAIT_MS) || 40_000;

/**
 * The sandbox already running on this data folder (the desktop app's, `web`'s or a `sandbox`
 * command's), as its lock advertises it; waits while it is still starting. With `appRuns` it also
 * waits for one to appear: the app's sandbox may be between a crash and its restart, and a sandbox
 * the CLI started then would take the folder from it. Null when none runs.
 */
export async function runningSandbox(dataDir: string, appRuns = false, onWait?: () => void): Promise<LockHolder | null> {
  const deadline = Date.now() + RUNNING_SANDBOX_WAIT_MS;
  for (let first = true; ; first = false) {
    const holder = liveHolder(sandboxDataDir(dataDir));
    if (holder?.endpoints || Date.now() > deadline) return holder;
    if (!holder && !appRuns) return null;
    // Said once, only when there is a wait: up to 40 s of a silent terminal reads as a hang.
    if (first) onWait?.();
    await sleep(250);
  }
}

function by(holder: LockHolder): string {
  return `${holder.what} (pid ${holder.pid})`;
}

export interface CliTargetOptions {
  profile?: string;
  otlpEndpoint?: string;
  /** Overrides the profile's protocol (default for the environment: http/json, TrueFoundry's documented setting). */
  protocol?: OtlpProtocol;
  otlpGrpcEndpoint?: string;
  healthUrl?: string;
  serviceName?: string;
}

export interface CliTarget {
  target: CheckTarget;
  label: string;
  hyperdxUrl: string | null;
  /** HyperDX's traces source for the links; null: HyperDX's default source. */
  hyperdxSourceId?: string | null;
  /** Stops what was started for this command (the sandbox). */
  close(): Promise<void>;
  /** The profile's alert rules (the defaults for a target from the environment). */
  alertRules?: AlertRule[];
  /** Prices for estimated costs (the catalog with the app's per-model prices), when the target is a profile. */
  priceOf?: PriceOf;
  /** Remembers a database found on the way, when the target is a profile. */
  onDatabase?: (db: string) => void;
  /** The saved profile used; absent for a target from the environment. */
  profile?: { id: string; name: string };
}

/** Where a command that may take a while says what it waits on (a sandbox starting); quiet when not given. */
export type SayProgress = (line: string) => void;

/** CLICKHOUSE_ENDPOINT, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD and OTLP_AUTH_TOKEN, read as the collector reads them. */
export function targetFromEnv(opts: CliTargetOptions): CliTarget | null {
  const endpoint = process.env.CLICKHOUSE_ENDPOINT;
  if (opts.profile || !endpoint) return null;
  if (!/^https?:\/\/[^/]/i.test(endpoint)) throw new Error(`CLICKHOUSE_ENDPOINT "${endpoint.slice(0, 200)}" is not ClickHouse's HTTP URL: use the form http://host:8123 or https://host:8443.`);
  return {
    target: {
      kind: 'remote',
      clickhouseUrl: endpoint,
      clickhouseUser: process.env.CLICKHOUSE_USER || 'default',
      password: process.env.CLICKHOUSE_PASSWORD ?? '',
      database: null,
      otlpEndpoint: opts.otlpEndpoint ?? null,
      otlpProtocol: opts.protocol ?? 'http/json',
      otlpGrpcEndpoint: opts.otlpGrpcEndpoint ?? null,
      otlpToken: process.env.OTLP_AUTH_TOKEN || null,
      healthUrl: opts.healthUrl ?? (opts.otlpEndpoint || opts.otlpGrpcEndpoint ? effectiveHealthUrl({ healthUrl: null, otlpEndpoint: opts.otlpEndpoint ?? opts.otlpGrpcEndpoint! }) : null),
      serviceName: opts.serviceName ?? DEFAULT_SERVICE_NAME,
    },
    label: `ClickHouse ${endpoint} from the environment`,
    hyperdxUrl: null,
    close: async () => undefined,
  };
}

export async function targetFromProfile(opts: CliTargetOptions, say?: SayProgress): Promise<CliTarget> {
  const dataDir = appDataDir();
  // The app running on this folder owns config.json: the CLI reads its profiles and writes nothing.
  const app = liveHolder(dataDir);
  // Started only if the chosen profile is the sandbox and none runs yet: zero setup works from the terminal too.
  const sandbox = new SandboxSupervisor({ command: sandboxSelfCommand(), dataDir: sandboxDataDir(dataDir) });
  const { profiles, setup, vault, alertRules, prices } = composeCore({
    transport: 'web',
    version: appVersion(),
    dataDir,
    sandbox,
    openSettingsFile: openConfFile,
    keychainService: process.env.CLICKSTACK_TRAY_KEYCHAIN_SERVICE,
  });
  await vault.init();
  const state = await profiles.state();
  const wanted = opts.profile?.toLowerCase();
  const profile = wanted ? state.profiles.find((p) => p.name.toLowerCase() === wanted || p.id === wanted) : state.profiles.find((p) => p.id === state.activeProfileId);
  if (!profile) throw new Error(`There is no profile called "${opts.profile}". Profiles: ${state.profiles.map((p) => p.name).join(', ')}.`);
  // Without --profile, say which profile was taken and why: "profile X" alone reads as if the user had chosen it.
  let label = `profile "${profile.name}"${wanted ? '' : ' (the active one; --profile names another)'}`;
  if (profile.kind === 'sandbox') {
    const running = await runningSandbox(dataDir, app !== null, () => say?.(`Waiting for the local sandbox on this data folder to say where it answers (up to ${RUNNING_SANDBOX_WAIT_MS / 1000} s)…`));
    if (!running && app) {
      throw new Error(`${by(app)} runs on this data folder, but its local sandbox has not been running for ${RUNNING_SANDBOX_WAIT_MS / 1000} s (turned off with --no-sandbox, or failing to start): start it from the app's Setup view, or name another profile with --profile.`);
    }
    if (running?.endpoints) {
      const whose = app ? `the sandbox of ${by(app)}` : `the sandbox already running (pid ${running.pid})`;
      sandbox.adopt(running.endpoints, `Using ${whose}.`);
      label += `, ${whose}`;
    } else if (running) {
      throw new Error(`The local sandbox of ${by(running)} did not say where it answers within ${RUNNING_SANDBOX_WAIT_MS / 1000} s; is it still starting?`);
    } else {
      say?.('Starting the local sandbox for this command (it stops when the command ends)…');
      const status = await sandbox.start();
      if (status.state !== 'running') throw new Error(status.detail);
      label += ', on a sandbox started for this command';
    }
  } else if (app) label += `, as saved by ${by(app)}`;
  const target = await setup.target(profile.id);
  if (opts.otlpEndpoint) target.otlpEndpoint = opts.otlpEndpoint;
  if (opts.protocol) target.otlpProtocol = opts.protocol;
  if (opts.otlpGrpcEndpoint) target.otlpGrpcEndpoint = opts.otlpGrpcEndpoint;
  return {
    target,
    label,
    hyperdxUrl: profile.hyperdxUrl,
    hyperdxSourceId: profile.hyperdxSourceId,
    alertRules: alertRules.rules(profile.id),
    priceOf: prices.catalog.priceOf,
    close: () => sandbox.stop(),
    onDatabase: app ? undefined : (db) => profiles.recordDatabase(profile.id, db),
    profile: { id: profile.id, name: profile.name },
  };
}

/** --protocol and --otlp-grpc-endpoint, shared by the commands that send OTLP. */
export function protocolOptions(): Option[] {
  return [
    new Option('--protocol <protocol>', 'how to send OTLP, as the gateway does (default: the profile’s, or http/json)').choices(OTLP_PROTOCOLS),
    new Option('--otlp-grpc-endpoint <url>', 'collector OTLP/gRPC endpoint, http://host:4317 or https://host:4317 (default: the OTLP host on 4317)').argParser((v) => {
      const parsed = GrpcUrl.safeParse(v);
      if (!parsed.success) throw new Error(`--otlp-grpc-endpoint ${parsed.error.issues[0]?.message ?? 'is not a gRPC endpoint'}`);
      return parsed.data;
    }),
  ];
}

export async function resolveCliTarget(opts: CliTargetOptions, say?: SayProgress): Promise<CliTarget> {
  return targetFromEnv(opts) ?? targetFromProfile(opts, say);
}

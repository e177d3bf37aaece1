/** `clickstack-tray doctor`: the setup checklist in the terminal. Exit 0 only when every step passes. */
import { Command } from 'commander';
import { appDataDir, sandboxDataDir } from '../core/app-paths.js';
import { composeCore } from '../core/compose-core.js';
import { openConfFile } from '../core/profiles/conf-file.js';
import { effectiveHealthUrl, DEFAULT_SERVICE_NAME } from '../core/profiles/profile-schema.js';
import { SandboxSupervisor } from '../core/sandbox-supervisor.js';
import { runAllSteps, type CheckTarget } from '../core/setup/check-target.js';
import type { StepResult } from '../core/setup/step-result.js';
import { appVersion } from '../core/project-root.js';
import { sandboxSelfCommand } from './self-command.js';

const TITLES: Record<StepResult['step'], string> = {
  clickhouse: 'ClickHouse',
  collector: 'Collector health',
  otlp: 'OTLP endpoint',
  truefoundry: 'TrueFoundry settings',
  spans: 'Gateway spans',
};

function print(results: StepResult[], heading: string): void {
  const out = [heading];
  results.forEach((r, i) => {
    out.push(`  ${r.status === 'passed' ? '✓' : '✗'} ${i + 1}. ${TITLES[r.step]}: ${r.summary}`);
    if (r.fix) out.push(`       fix: ${r.fix}`);
  });
  const ok = results.filter((r) => r.status === 'passed').length;
  out.push(`${ok} of ${results.length} checks passed.`);
  process.stdout.write(out.join('\n') + '\n');
}

interface DoctorOptions {
  profile?: string;
  otlpEndpoint?: string;
  healthUrl?: string;
  serviceName?: string;
  json?: boolean;
}

/** From the environment, as the collector reads it: CLICKHOUSE_ENDPOINT, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD (and OTLP_AUTH_TOKEN). */
function targetFromEnv(opts: DoctorOptions): CheckTarget | null {
  const endpoint = process.env.CLICKHOUSE_ENDPOINT;
  if (!endpoint) return null;
  return {
    kind: 'remote',
    clickhouseUrl: endpoint,
    clickhouseUser: process.env.CLICKHOUSE_USER || 'default',
    password: process.env.CLICKHOUSE_PASSWORD ?? '',
    database: null,
    otlpEndpoint: opts.otlpEndpoint ?? null,
    otlpToken: process.env.OTLP_AUTH_TOKEN || null,
    healthUrl: opts.healthUrl ?? (opts.otlpEndpoint ? effectiveHealthUrl({ healthUrl: null, otlpEndpoint: opts.otlpEndpoint }) : null),
    serviceName: opts.serviceName ?? DEFAULT_SERVICE_NAME,
  };
}

async function runForProfile(opts: DoctorOptions): Promise<{ results: StepResult[]; heading: string }> {
  const dataDir = appDataDir();
  // Started only if the chosen profile is the sandbox: zero setup works from the terminal too.
  const sandbox = new SandboxSupervisor({ command: sandboxSelfCommand(), dataDir: sandboxDataDir(dataDir) });
  const { profiles, setup, vault } = composeCore({
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
  try {
    if (profile.kind === 'sandbox') {
      const status = await sandbox.start();
      if (status.state !== 'running') throw new Error(status.detail);
    }
    return { results: await setup.runAll(profile.id), heading: `clickstack-tray doctor — profile "${profile.name}"` };
  } finally {
    await sandbox.stop();
  }
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('Run the setup checks in the terminal. Uses a profile, or CLICKHOUSE_ENDPOINT/USER/PASSWORD (and OTLP_AUTH_TOKEN) from the environment.')
    .option('--profile <name>', 'profile name or id (default: the active profile)')
    .option('--otlp-endpoint <url>', 'collector OTLP traces endpoint, with the environment variables')
    .option('--health-url <url>', 'collector health URL (default: the OTLP host on port 13133)')
    .option('--service-name <name>', `gateway service name (default ${DEFAULT_SERVICE_NAME})`)
    .option('--json', 'print the results as JSON')
    .action(async (opts: DoctorOptions) => {
      const fromEnv = opts.profile ? null : targetFromEnv(opts);
      const { results, heading } = fromEnv
        ? { results: await runAllSteps(fromEnv), heading: `clickstack-tray doctor — ClickHouse ${fromEnv.clickhouseUrl} from the environment` }
        : await runForProfile(opts);
      if (opts.json) process.stdout.write(JSON.stringify({ results }) + '\n');
      else print(results, heading);
      process.exitCode = results.every((r) => r.status === 'passed') ? 0 : 1;
    });
}

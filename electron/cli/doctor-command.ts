/** `clickstack-tray doctor`: the setup checklist in the terminal. Exit 0 only when every step passes. */
import { httpUrl } from './options.js';
import { Command } from 'commander';
import { DEFAULT_SERVICE_NAME } from '../shared/profile-schema.js';
import { runAllSteps } from '../core/setup/check-target.js';
import type { StepResult } from '../shared/step-result.js';
import { protocolOptions, resolveCliTarget, type CliTargetOptions } from './cli-target.js';

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

/**
 * `doctor --json`: one verdict on top, so a script need not re-derive it from the steps (`ok` is what the exit code
 * says), and the steps as before. A step that could not run (step 5 before a table is found) counts as failed: that is
 * its status, and the exit code treats it so.
 */
function report(target: string, results: StepResult[]): { target: string; ok: boolean; passed: number; failed: number; total: number; results: StepResult[] } {
  const passedCount = results.filter((r) => r.status === 'passed').length;
  return { target, ok: passedCount === results.length, passed: passedCount, failed: results.length - passedCount, total: results.length, results };
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('Run the setup checks in the terminal. Uses a profile, or CLICKHOUSE_ENDPOINT/USER/PASSWORD (and OTLP_AUTH_TOKEN) from the environment.')
    .option('--profile <name>', 'profile name or id (default: the active profile)')
    .option('--otlp-endpoint <url>', 'collector OTLP traces endpoint, with the environment variables', httpUrl('--otlp-endpoint', 'http://host:4318/v1/traces'))
    .addOption(protocolOptions()[0]!)
    .addOption(protocolOptions()[1]!)
    .option('--health-url <url>', 'collector health URL (default: the OTLP host on port 13133)', httpUrl('--health-url', 'http://host:13133/'))
    .option('--service-name <name>', `gateway service name (default ${DEFAULT_SERVICE_NAME})`)
    .option('--json', 'print the results as JSON: ok, passed, failed and total on top, then each step')
    .action(async (opts: CliTargetOptions & { json?: boolean }) => {
      const resolved = await resolveCliTarget(opts);
      try {
        const results = await runAllSteps(resolved.target, resolved.onDatabase);
        const answer = report(resolved.label, results);
        if (opts.json) process.stdout.write(JSON.stringify(answer) + '\n');
        else print(results, `clickstack-tray doctor — ${resolved.label}`);
        process.exitCode = answer.ok ? 0 : 1;
      } finally {
        await resolved.close();
      }
    });
}

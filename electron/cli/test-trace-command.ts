/** `clickstack-tray test-trace`: send a gateway-shaped trace and prove it is queryable. Exit 0 only when it is. */
import { httpUrl } from './options.js';
import { Command } from 'commander';
import { runTestTrace } from '../core/test-trace/test-trace-service.js';
import type { TestTraceResult } from '../shared/test-trace-result.js';
import { protocolOptions, resolveCliTarget, type CliTargetOptions } from './cli-target.js';

const LABEL = { sent: 'sent', accepted: 'accepted', queryable: 'queryable' } as const;

export function testTraceCommand(): Command {
  return new Command('test-trace')
    .description('Send a TrueFoundry-shaped test trace through the collector and wait until ClickHouse can query it.')
    .option('--profile <name>', 'profile name or id (default: the active profile)')
    .option('--otlp-endpoint <url>', 'collector OTLP traces endpoint (ClickHouse then comes from CLICKHOUSE_ENDPOINT/USER/PASSWORD)', httpUrl('--otlp-endpoint', 'http://host:4318/v1/traces'))
    .addOption(protocolOptions()[0]!)
    .addOption(protocolOptions()[1]!)
    .option('--gateway-service-name', 'send under the gateway’s service name instead of clickstack-tray-test')
    .option('--json', 'print the result as JSON')
    .action(async (opts: CliTargetOptions & { gatewayServiceName?: boolean; json?: boolean }) => {
      const resolved = await resolveCliTarget(opts);
      const printed = new Set<string>();
      const show = (r: TestTraceResult) => {
        if (opts.json) return;
        for (const s of r.stages) {
          const key = `${s.stage}:${s.status}`;
          if (s.status === 'pending' || printed.has(key)) continue;
          printed.add(key);
          process.stdout.write(`  ${s.status === 'passed' ? '✓' : s.status === 'failed' ? '✗' : '–'} ${LABEL[s.stage].padEnd(9)} ${s.atMs !== null ? `${(s.atMs / 1000).toFixed(2)}s`.padStart(7) : ''}  ${s.detail}\n`);
        }
      };
      try {
        if (!opts.json) process.stdout.write(`clickstack-tray test-trace — ${resolved.label}\n`);
        const result = await runTestTrace(
          { target: resolved.target, profileId: 'cli', profileName: resolved.label, useGatewayServiceName: Boolean(opts.gatewayServiceName), hyperdxUrl: resolved.hyperdxUrl, hyperdxSourceId: resolved.hyperdxSourceId ?? null, onDatabase: resolved.onDatabase },
          show,
        );
        if (opts.json) process.stdout.write(JSON.stringify(result) + '\n');
        else {
          show(result);
          process.stdout.write(`${result.ok ? 'OK' : 'FAILED'}: ${result.summary}\n${result.fix ? `fix: ${result.fix}\n` : ''}trace id: ${result.traceId}\n`);
        }
        process.exitCode = result.ok ? 0 : 1;
      } finally {
        await resolved.close();
      }
    });
}

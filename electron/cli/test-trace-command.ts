/** `clickstack-tray test-trace`: send a gateway-shaped trace and prove it is queryable. Exit 0 only when it is. */
import { httpUrl } from './options.js';
import { Command } from 'commander';
import { runTestTrace } from '../core/test-trace/test-trace-service.js';
import { otlpDestination, type CheckTarget } from '../core/setup/check-target.js';
import { portOf } from '../core/setup/endpoint-warnings.js';
import { protocolName } from '../core/otlp/otlp-destination.js';
import { grpcHostPort } from '../shared/profile-schema.js';
import type { TestTraceResult, TestTraceStage } from '../shared/test-trace-result.js';
import { protocolOptions, resolveCliTarget, type CliTargetOptions } from './cli-target.js';

const LABEL = { sent: 'sent', accepted: 'accepted', queryable: 'queryable' } as const;
/** A wait longer than this with nothing printed gets a line naming the hop it is on. */
export const QUIET_PROGRESS_MS = 5_000;

/** Where the trace goes, with the port named and where it came from: a derived gRPC port surprised people. */
function sendsTo(target: CheckTarget): string | null {
  const d = otlpDestination(target);
  if (!d) return null;
  if (d.protocol === 'grpc') {
    const port = portOf(new URL(d.grpcEndpoint));
    const whose = target.kind === 'sandbox' ? `the sandbox’s OTLP/gRPC port ${port}` : target.otlpGrpcEndpoint ? `gRPC port ${port}` : `gRPC port ${port}, the OTLP host’s default; --otlp-grpc-endpoint names another`;
    return `${protocolName('grpc')} to ${grpcHostPort(d.grpcEndpoint)} (${whose})`;
  }
  return `${protocolName(d.protocol)} to ${d.httpEndpoint} (HTTP port ${portOf(new URL(d.httpEndpoint))}${target.kind === 'sandbox' ? ', the sandbox’s OTLP/HTTP receiver' : ''})`;
}

/** The hop a pending stage waits on, in the words of the line that names it. */
function hop(stage: TestTraceStage['stage'], target: CheckTarget): string {
  const d = otlpDestination(target);
  if (stage === 'queryable') return `ClickHouse at ${target.clickhouseUrl}, for the trace to become queryable`;
  return d ? `the collector’s answer over ${protocolName(d.protocol)} from ${d.protocol === 'grpc' ? grpcHostPort(d.grpcEndpoint) : d.httpEndpoint}` : 'the collector';
}

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
      let lastLineAt = Date.now();
      const say = (line: string) => {
        if (opts.json) return;
        process.stdout.write(`${line}\n`);
        lastLineAt = Date.now();
      };
      const resolved = await resolveCliTarget(opts, (line) => say(`  … ${line}`));
      const printed = new Set<string>();
      // The stage being waited on; before the first progress, the send itself.
      let waitingOn: TestTraceStage['stage'] | null = 'sent';
      const started = Date.now();
      const show = (r: TestTraceResult) => {
        waitingOn = r.stages.find((s) => s.status === 'pending')?.stage ?? null;
        for (const s of r.stages) {
          // A pending stage is printed too (once per detail): a wait of up to a minute is named, not silent.
          const key = `${s.stage}:${s.status}:${s.status === 'pending' ? s.detail : ''}`;
          if ((s.status === 'pending' && !s.detail) || printed.has(key)) continue;
          printed.add(key);
          if (s.status === 'pending') say(`  … ${LABEL[s.stage].padEnd(9)} ${''.padStart(7)}  ${s.detail}`);
          else say(`  ${s.status === 'passed' ? '✓' : s.status === 'failed' ? '✗' : '–'} ${LABEL[s.stage].padEnd(9)} ${s.atMs !== null ? `${(s.atMs / 1000).toFixed(2)}s`.padStart(7) : ''}  ${s.detail}`);
        }
      };
      const ticker = setInterval(() => {
        if (waitingOn && Date.now() - lastLineAt >= QUIET_PROGRESS_MS) say(`  … still waiting on ${hop(waitingOn, resolved.target)} (${Math.round((Date.now() - started) / 1000)} s so far)`);
      }, 1_000);
      try {
        const profile = resolved.profile;
        say(`clickstack-tray test-trace — ${resolved.label}`);
        const to = sendsTo(resolved.target);
        if (to) say(`  sends     ${to}`);
        say(`  reads     ClickHouse at ${resolved.target.clickhouseUrl}`);
        const result = await runTestTrace(
          {
            target: resolved.target,
            // The profile's own id and name in the JSON (and the history it may be compared with), not the heading.
            profileId: profile?.id ?? 'cli',
            profileName: profile?.name ?? resolved.label,
            useGatewayServiceName: Boolean(opts.gatewayServiceName),
            hyperdxUrl: resolved.hyperdxUrl,
            hyperdxSourceId: resolved.hyperdxSourceId ?? null,
            onDatabase: resolved.onDatabase,
          },
          show,
        );
        waitingOn = null;
        if (opts.json) process.stdout.write(JSON.stringify(result) + '\n');
        else {
          show(result);
          say(`${result.ok ? 'OK' : 'FAILED'}: ${result.summary}\n${result.fix ? `fix: ${result.fix}\n` : ''}trace id: ${result.traceId}`);
        }
        process.exitCode = result.ok ? 0 : 1;
      } finally {
        clearInterval(ticker);
        await resolved.close();
      }
    });
}

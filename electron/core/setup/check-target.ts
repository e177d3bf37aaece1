/** Everything a setup step needs, resolved: from a profile and the vault, or from the environment (CLI). */
import { checkClickHouse } from './clickhouse-check.js';
import { checkCollectorHealth, checkOtlpEndpoint } from './collector-check.js';
import { destinationIssues, portOf } from './endpoint-warnings.js';
import { checkGatewaySpans } from './spans-check.js';
import { failed, passed, STEP_IDS, type StepId, type StepResult } from '../../shared/step-result.js';
import { collectorPort, type OtlpProtocol } from '../../shared/profile-schema.js';
import { destinationOf, endpointShown, protocolName, type OtlpDestination } from '../otlp/otlp-destination.js';

export interface CheckTarget {
  kind: 'sandbox' | 'remote';
  clickhouseUrl: string;
  clickhouseUser: string;
  password: string;
  /** Known database, or null until step 1 finds it. */
  database: string | null;
  /** The OTLP/HTTP traces URL. */
  otlpEndpoint: string | null;
  /** How the gateway exports (default OTLP/HTTP with JSON, TrueFoundry's documented setting). */
  otlpProtocol?: OtlpProtocol;
  /** http(s)://host:port of the OTLP/gRPC receiver; default the OTLP host on 4317. */
  otlpGrpcEndpoint?: string | null;
  otlpToken: string | null;
  healthUrl: string | null;
  serviceName: string;
}

/** Where this target's OTLP goes, over its protocol; null when no endpoint is configured. */
export function otlpDestination(target: CheckTarget): OtlpDestination | null {
  const protocol = target.otlpProtocol ?? 'http/json';
  // Given only a gRPC endpoint, the HTTP one is the collector's other port on the same host (used for nothing but display).
  const httpEndpoint = target.otlpEndpoint ?? (protocol === 'grpc' && target.otlpGrpcEndpoint ? collectorPort(target.otlpGrpcEndpoint, 4318, '/v1/traces') : null);
  if (!httpEndpoint) return null;
  return destinationOf({ otlpProtocol: protocol, otlpEndpoint: httpEndpoint, otlpGrpcEndpoint: target.otlpGrpcEndpoint ?? null }, target.otlpToken);
}

export async function runStepOn(target: CheckTarget, step: StepId, onDatabase?: (db: string) => void): Promise<StepResult> {
  switch (step) {
    case 'clickhouse': {
      const outcome = await checkClickHouse({ url: target.clickhouseUrl, user: target.clickhouseUser, password: target.password });
      if (outcome.database) {
        target.database = outcome.database;
        onDatabase?.(outcome.database);
      }
      return outcome.result;
    }
    case 'collector': {
      if (!target.healthUrl) return failed('collector', 'No collector health URL is known.', 'Give the collector’s health URL (port 13133) or its OTLP endpoint.');
      const health = await checkCollectorHealth(target.healthUrl);
      // The sandbox is its own collector: say so, in the window and in `doctor` alike.
      if (target.kind === 'sandbox' && health.status === 'passed') return { ...health, summary: `No collector needed: the sandbox receives OTLP itself and writes into its own ClickHouse. ${health.summary}` };
      return health;
    }
    case 'otlp': {
      const destination = otlpDestination(target);
      return destination ? checkOtlpEndpoint(destination) : failed('otlp', 'No OTLP endpoint is configured.', 'Give the collector’s https://<domain>/v1/traces endpoint.');
    }
    case 'truefoundry': {
      const destination = otlpDestination(target);
      if (!destination) return failed('truefoundry', 'No OTLP endpoint is configured, so there is nothing to give TrueFoundry.', 'Give the collector’s https://<domain>/v1/traces endpoint.');
      // Nothing to probe on TrueFoundry's side: this step passes when the endpoint is one the SaaS gateway can reach.
      // One meaning in the window and in `doctor`: can the gateway this profile is for reach the endpoint? The sandbox is
      // for a gateway (or the test trace) on this machine; the SaaS gateway needs a profile with a public endpoint.
      if (target.kind === 'sandbox') return passed('truefoundry', 'Nothing to configure in TrueFoundry for the local sandbox: it takes spans from this machine only (the test trace, a self-hosted gateway here). TrueFoundry’s SaaS gateway needs a public endpoint: make a profile for your ClickStack.');
      const issues = destinationIssues(destination);
      if (issues.length === 0) return passed('truefoundry', destination.protocol === 'grpc' ? 'The gRPC endpoint is a public host with TLS, as TrueFoundry needs.' : 'The endpoint is a public https URL ending in /v1/traces, as TrueFoundry needs.');
      // Nothing is sent here, so "what was tried" is the address TrueFoundry would send to: name its protocol, host and
      // port, then what is wrong with it, and the one change that clears it (not "fix the endpoint").
      const shown = endpointShown(destination);
      let where = shown;
      try {
        const u = new URL(destination.protocol === 'grpc' ? destination.grpcEndpoint : destination.httpEndpoint);
        // gRPC's shown form is host:port already; an HTTP URL adds its scheme and path.
        where = `host ${u.hostname}, port ${portOf(u)}${destination.protocol === 'grpc' ? '' : ` (${shown})`}`;
      } catch {
        // not a URL: the issue says so, and the address is shown as typed
      }
      const facts = [
        { label: 'Protocol', value: protocolName(destination.protocol) },
        { label: 'Endpoint', value: shown },
      ];
      return failed('truefoundry', `Checked where TrueFoundry would send: ${protocolName(destination.protocol)} to ${where}. ${issues[0]!.problem}`, issues[0]!.fix, facts);
    }
    case 'spans':
      if (!target.database) return failed('spans', 'The traces table has not been found yet.', 'Run the ClickHouse step first.');
      return checkGatewaySpans({ url: target.clickhouseUrl, user: target.clickhouseUser, password: target.password, database: target.database, serviceName: target.serviceName });
  }
}

/** All steps in the guide's order; later steps use what earlier ones found. */
export async function runAllSteps(target: CheckTarget, onDatabase?: (db: string) => void): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const step of STEP_IDS) results.push(await runStepOn(target, step, onDatabase));
  return results;
}

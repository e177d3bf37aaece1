/** One-click test trace: send a gateway-shaped trace, prove it is queryable, or say which hop broke. */
import { randomUUID } from 'node:crypto';
import { checkClickHouse } from '../setup/clickhouse-check.js';
import { otlpDestination, type CheckTarget } from '../setup/check-target.js';
import { endpointShown, protocolName, retryHintName } from '../otlp/otlp-destination.js';
import { buildGatewayTrace } from './gateway-trace.js';
import { awaitLanding, LANDING_TIMEOUT_MS } from './landing-check.js';
import { sendOtlp } from './otlp-sender.js';
import type { TestTraceResult, TestTraceStage } from '../../shared/test-trace-result.js';
import { hyperdxSearchUrl } from '../../shared/hyperdx-url.js';

export interface TestTraceRequest {
  target: CheckTarget;
  profileId: string;
  profileName: string;
  useGatewayServiceName: boolean;
  hyperdxUrl: string | null;
  /** HyperDX's traces source id; without it HyperDX opens its default source. */
  hyperdxSourceId?: string | null;
  onDatabase?: (db: string) => void;
  landingTimeoutMs?: number;
}

/** Spans of the test trace are stamped when sent; a quarter hour either side holds them and a slow landing. */
const HYPERDX_WINDOW_MS = 15 * 60_000;

function hyperdxLink(req: TestTraceRequest, traceId: string, sentAtMs: number): string | null {
  return hyperdxSearchUrl(
    { hyperdxUrl: req.hyperdxUrl, hyperdxSourceId: req.hyperdxSourceId ?? null },
    { where: `TraceId:"${traceId}"`, whereLanguage: 'lucene', fromMs: sentAtMs - HYPERDX_WINDOW_MS, toMs: sentAtMs + HYPERDX_WINDOW_MS, traceId },
  );
}

/** Runs the test and reports each stage as it completes. */
export async function runTestTrace(req: TestTraceRequest, onProgress: (partial: TestTraceResult) => void = () => undefined): Promise<TestTraceResult> {
  const { target } = req;
  const trace = buildGatewayTrace({ serviceName: req.useGatewayServiceName ? target.serviceName : undefined });
  const started = Date.now();
  const destination = otlpDestination(target);
  const stages: TestTraceStage[] = [
    { stage: 'sent', status: 'pending', atMs: null, detail: destination ? `Sending over ${protocolName(destination.protocol)} to ${endpointShown(destination)}…` : 'Sending to the collector…' },
    { stage: 'accepted', status: 'pending', atMs: null, detail: '' },
    { stage: 'queryable', status: 'pending', atMs: null, detail: '' },
  ];
  const result: TestTraceResult = {
    id: randomUUID(),
    profileId: req.profileId,
    profileName: req.profileName,
    traceId: trace.traceId,
    serviceName: trace.serviceName,
    protocol: target.otlpProtocol ?? 'http/json',
    startedAt: started,
    ok: false,
    summary: 'Running…',
    fix: null,
    stages,
    latencyMs: null,
    spans: [],
    hyperdxUrl: hyperdxLink(req, trace.traceId, started),
  };
  const set = (i: number, status: TestTraceStage['status'], detail: string) => {
    stages[i] = { ...stages[i]!, status, detail, atMs: status === 'pending' ? null : Date.now() - started };
    onProgress({ ...result, stages: [...stages] });
  };
  const finish = (ok: boolean, summary: string, fix: string | null): TestTraceResult => {
    for (let i = 0; i < stages.length; i++) if (stages[i]!.status === 'pending') stages[i] = { ...stages[i]!, status: 'skipped', detail: 'Not reached.' };
    Object.assign(result, { ok, summary, fix, stages: [...stages] });
    return result;
  };

  if (!destination) return finish(false, 'This profile has no OTLP endpoint to send to.', 'Set the collector’s https://<domain>/v1/traces endpoint in the profile.');
  const sent = await sendOtlp(destination, trace.body);
  if (sent.status === null) {
    set(0, 'failed', sent.summary);
    return finish(false, `Sending over ${protocolName(destination.protocol)} failed: ${sent.summary}`, sent.fix);
  }
  const call = destination.protocol === 'grpc' ? `${protocolName('grpc')} Export to ${endpointShown(destination)}` : `${protocolName(destination.protocol)} POST ${new URL(destination.httpEndpoint).pathname}`;
  set(0, 'passed', `${call} answered ${sent.statusText}${sent.attempts > 1 ? ` after ${sent.attempts} attempts (${retryHintName(destination.protocol)} honoured: ${sent.retriedAfterMs.map((m) => `${m / 1000}s`).join(', ')})` : ''}.`);
  if (!sent.ok) {
    set(1, 'failed', sent.summary);
    return finish(false, `The collector did not accept the trace: ${sent.summary}`, sent.fix);
  }
  set(1, 'passed', 'The collector accepted 4 spans.');

  let database = target.database;
  if (!database) {
    // Said before the lookup, so a slow ClickHouse is a named wait, not a silent one.
    set(2, 'pending', `Looking for the traces table in ClickHouse at ${target.clickhouseUrl}…`);
    const found = await checkClickHouse({ url: target.clickhouseUrl, user: target.clickhouseUser, password: target.password });
    if (!found.database) {
      set(2, 'failed', found.result.summary);
      return finish(false, `Accepted by the collector, but ClickHouse could not be checked: ${found.result.summary}`, found.result.fix);
    }
    database = found.database;
    req.onDatabase?.(database);
  }
  set(2, 'pending', `Waiting up to ${(req.landingTimeoutMs ?? LANDING_TIMEOUT_MS) / 1000} s for the trace in ${database}.otel_traces (the collector batches for up to 5 s)…`);
  const landing = await awaitLanding({ url: target.clickhouseUrl, user: target.clickhouseUser, password: target.password, database }, trace.traceId, trace.startNs, 4, { timeoutMs: req.landingTimeoutMs });
  if (!landing.landed) {
    set(2, 'failed', landing.summary);
    return finish(false, landing.summary, landing.fix);
  }
  set(2, 'passed', `All ${landing.spans.length} spans are queryable in ${database}.otel_traces, ${(landing.afterMs / 1000).toFixed(1)} s after the collector accepted them.`);
  result.spans = landing.spans;
  result.latencyMs = Date.now() - started;
  return finish(true, `The test trace went through the whole pipeline in ${(result.latencyMs / 1000).toFixed(1)} s.`, null);
}

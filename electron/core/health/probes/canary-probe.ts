/** Does a trace get through end to end: a gateway-shaped canary, sent and awaited in ClickHouse. */
import { buildGatewayTrace } from '../../test-trace/gateway-trace.js';
import { awaitLanding } from '../../test-trace/landing-check.js';
import { sendOtlp } from '../../test-trace/otlp-sender.js';
import { otlpDestination } from '../../setup/check-target.js';
import type { ProbeDefinition } from './probe.js';

export const CANARY_SERVICE_NAME = 'clickstack-tray-canary';

export interface CanarySample {
  landed: boolean;
  latencyMs: number | null;
}

export const canaryProbe: ProbeDefinition<CanarySample> = {
  id: 'canary',
  title: 'Canary',
  offDetail: 'Canary is off for this profile.',
  pendingDetail: 'Not sent yet.',
  intervalMs: (s) => s.canaryIntervalMs,
  timeoutMs: 90_000,
  async run(target, { canaryLandingTimeoutMs }) {
    const missed = (detail: string) => ({ ok: false, detail, value: { landed: false, latencyMs: null } });
    const destination = otlpDestination(target);
    if (!destination || !target.database) return missed('The profile has no OTLP endpoint or no traces table yet.');
    const started = Date.now();
    const trace = buildGatewayTrace({ serviceName: CANARY_SERVICE_NAME });
    const sent = await sendOtlp(destination, trace.body);
    if (!sent.ok) return missed(sent.summary);
    const landing = await awaitLanding({ url: target.clickhouseUrl, user: target.clickhouseUser, password: target.password, database: target.database }, trace.traceId, trace.startNs, trace.spanCount, { timeoutMs: canaryLandingTimeoutMs });
    if (!landing.landed) return missed(landing.summary);
    return { ok: true, detail: 'The canary trace landed.', value: { landed: true, latencyMs: Date.now() - started } };
  },
};

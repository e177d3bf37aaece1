/** Does the collector take OTLP: an empty export to the profile's traces endpoint. */
import { emptyOtlpExport } from '../../setup/collector-check.js';
import { httpFailureKind, ProbeFailure, type ProbeDefinition } from './probe.js';

export const otlpProbe: ProbeDefinition<null> = {
  id: 'otlp',
  intervalMs: (s) => s.pollIntervalMs,
  async run(target, { signal }) {
    if (!target.otlpEndpoint) return { ok: null, detail: 'No OTLP endpoint configured.', value: null };
    const { result, httpStatus } = await emptyOtlpExport(target.otlpEndpoint, target.otlpToken, signal);
    if (result.status !== 'passed') throw new ProbeFailure(httpFailureKind(httpStatus, signal.aborted), result.summary);
    return { ok: true, detail: result.summary, value: null };
  },
};

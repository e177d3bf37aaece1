/** Does the collector take OTLP: an empty export to the profile's endpoint, over its protocol. */
import { emptyOtlpExport } from '../../setup/collector-check.js';
import { otlpDestination } from '../../setup/check-target.js';
import { httpFailureKind, ProbeFailure, type ProbeDefinition } from './probe.js';

export const otlpProbe: ProbeDefinition<null> = {
  id: 'otlp',
  title: 'OTLP endpoint',
  intervalMs: (s) => s.pollIntervalMs,
  async run(target, { signal }) {
    const destination = otlpDestination(target);
    if (!destination) return { ok: null, detail: 'No OTLP endpoint configured.', value: null };
    const { result, httpStatus } = await emptyOtlpExport(destination, signal);
    if (result.status !== 'passed') throw new ProbeFailure(httpFailureKind(httpStatus, signal.aborted), result.summary);
    return { ok: true, detail: result.summary, value: null };
  },
};

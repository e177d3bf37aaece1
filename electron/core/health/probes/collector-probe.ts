/** Is the collector process alive: its health_check extension. */
import { collectorHealth } from '../../setup/collector-check.js';
import { httpFailureKind, ProbeFailure, type ProbeDefinition } from './probe.js';

export const collectorProbe: ProbeDefinition<null> = {
  id: 'collector',
  title: 'Collector health',
  intervalMs: (s) => s.pollIntervalMs,
  async run(target, { signal }) {
    if (!target.healthUrl) return { ok: true, detail: 'No health URL configured.', value: null };
    const { result, httpStatus, storageProblem } = await collectorHealth(target.healthUrl, signal);
    if (storageProblem) throw new ProbeFailure(storageProblem.damaged ? 'damaged' : 'storage', result.summary);
    if (result.status !== 'passed') throw new ProbeFailure(httpFailureKind(httpStatus, signal.aborted), result.summary);
    return { ok: true, detail: result.summary, value: null };
  },
};

/**
 * The pipeline's state from what the probes last saw: a pure function, so every rule is
 * testable. It branches on failure kinds, never on the wording of a message.
 */
import type { PipelineStateName, PipelineStatus } from '../../shared/pipeline-status.js';
import { ago } from '../../shared/time-ago.js';
import type { ProbeFailureKind } from './probes/probe.js';

/** What one probe last said: null until its first answer. */
export type Reading = { ok: boolean; detail: string; failure?: ProbeFailureKind | null } | null;

export interface Observations {
  now: number;
  stallThresholdMs: number;
  collector: Reading;
  otlp: Reading;
  clickhouse: Reading;
  newestSpanAt: number | null;
  spansLastHour: number;
  canary: { enabled: boolean; lastLanded: boolean | null; detail: string; latencyMs: number | null };
  /** Every probe's tile as shown: Healthy is only said when none of them fails. */
  tiles?: PipelineStatus['components'];
}

/** A canary slower than this end to end makes the pipeline Degraded. */
export const CANARY_SLOW_MS = 30_000;

export function deriveState(o: Observations): { state: PipelineStateName; reason: string } {
  // The process answers, but nothing it accepts can be stored (a full disk): that is down, whatever the OTLP probe says.
  if (o.collector && !o.collector.ok && o.collector.failure === 'storage') return { state: 'Down', reason: o.collector.detail };
  if (o.collector && !o.collector.ok && (!o.otlp || !o.otlp.ok)) return { state: 'Down', reason: `The collector does not answer: ${o.collector.detail}` };
  if (o.clickhouse && !o.clickhouse.ok) {
    if (o.clickhouse.failure === 'unconfigured') return { state: 'Unconfigured', reason: o.clickhouse.detail };
    return { state: 'Down', reason: `ClickHouse does not answer: ${o.clickhouse.detail}` };
  }
  if (!o.clickhouse) return { state: 'Idle', reason: 'Checking the pipeline…' };
  // Spans flow, but some already stored cannot be read: worth a look, not an outage.
  if (o.collector && !o.collector.ok && o.collector.failure === 'damaged') return { state: 'Degraded', reason: o.collector.detail };

  const age = o.newestSpanAt === null ? null : o.now - o.newestSpanAt;
  const stale = age === null || age > o.stallThresholdMs;
  if (stale) {
    const silence = age === null ? 'No gateway spans in the last hour' : `No new gateway spans for ${ago(age)}`;
    // Silence while the port the gateway exports to does not answer is an outage, not a quiet gateway (a refused
    // token is not: the gateway may hold the right one).
    if (o.otlp && !o.otlp.ok && (o.otlp.failure === 'unreachable' || o.otlp.failure === 'timeout')) return { state: 'Down', reason: `${silence}, and the collector's OTLP endpoint does not answer: ${o.otlp.detail}` };
    if (o.canary.enabled && o.canary.lastLanded === false) return { state: 'Stalled', reason: `${silence}, and the canary trace did not land: ${o.canary.detail}` };
    if (o.canary.enabled && o.canary.lastLanded) return { state: 'Idle', reason: `${silence}; the canary still lands, so the pipeline works and the gateway is quiet.` };
    if (age !== null && o.spansLastHour > 0) return { state: 'Stalled', reason: `${silence} (threshold ${ago(o.stallThresholdMs)}), after traffic earlier in the hour.` };
    return { state: 'Idle', reason: `${silence}.` };
  }
  if (o.otlp && !o.otlp.ok) return { state: 'Degraded', reason: `Spans arrive, but the OTLP endpoint probe fails: ${o.otlp.detail}` };
  if (o.canary.enabled && o.canary.lastLanded === false) return { state: 'Degraded', reason: `Gateway spans arrive, but the canary trace did not land: ${o.canary.detail}` };
  if (o.canary.enabled && o.canary.latencyMs !== null && o.canary.latencyMs > CANARY_SLOW_MS) return { state: 'Degraded', reason: `The canary took ${ago(o.canary.latencyMs)} end to end.` };
  // The headline never contradicts a tile: a probe the rules above do not name (a new one, or the collector's health
  // endpoint failing while OTLP exports are accepted) makes it Degraded, with its own sentence.
  const failing = (o.tiles ?? []).find((t) => t.ok === false);
  if (failing) return { state: 'Degraded', reason: `Spans arrive, but ${failing.title} fails: ${failing.detail}` };
  if (o.collector && !o.collector.ok) return { state: 'Degraded', reason: `Spans arrive, but the collector's health check fails: ${o.collector.detail}` };
  return { state: 'Healthy', reason: `Newest gateway span ${ago(age!)} ago; ${o.spansLastHour} in the last hour.` };
}

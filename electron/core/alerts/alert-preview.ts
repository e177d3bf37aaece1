/**
 * "Would have fired N times in the last 24 h": the rule replayed over the past day, one window
 * per step, all in one query (the same one the evaluation runs), then the same state machine
 * (minimum duration, hysteresis) over the series. A relative threshold compares with the 24 h
 * before the day replayed.
 */
import type { TracesLocation } from '../clickhouse/server.js';
import { BASELINE_MS, type AlertRule } from '../../shared/alert-rules.js';
import { evaluateWindows, type PriceOf, type WindowSpec } from './alert-query.js';
import { judgeRule, needsBaseline, step, type Track } from './alert-math.js';

export const PREVIEW_MS = 24 * 3600_000;

/** Steps of a third of the window, between 5 minutes and an hour: at most 288 windows. */
export function previewStepMinutes(rule: Pick<AlertRule, 'windowMinutes'>): number {
  return Math.min(60, Math.max(5, Math.round(rule.windowMinutes / 3 / 5) * 5));
}

export interface Preview {
  fires: number;
  starts: number[];
  stepMinutes: number;
  detail: string;
  rowsRead: number;
}

export async function previewRule(location: TracesLocation, service: string | null, rule: AlertRule, now: number, priceOf: PriceOf = () => null): Promise<Preview> {
  const stepMinutes = previewStepMinutes(rule);
  const stepMs = stepMinutes * 60_000;
  const w = rule.windowMinutes * 60_000;
  const start = now - PREVIEW_MS;
  const steps = Math.floor(PREVIEW_MS / stepMs);
  const windows: WindowSpec[] = [];
  for (let k = 1; k <= steps; k++) windows.push({ rule: 0, window: `step${k}`, fromMs: start + k * stepMs - w, toMs: start + k * stepMs });
  if (needsBaseline(rule)) windows.push({ rule: 0, window: 'baseline', fromMs: start - BASELINE_MS, toMs: start });
  const answer = await evaluateWindows(location, service, [{ ...rule, enabled: true }], windows, undefined, priceOf);
  const baselines = answer.groups.filter((g) => g.window === 'baseline');
  const tracks = new Map<string, Track>();
  const starts: number[] = [];
  for (let k = 1; k <= steps; k++) {
    const at = start + k * stepMs;
    const groups = answer.groups.filter((g) => g.window === `step${k}`).map((g) => ({ ...g, window: 'current' }));
    const judged = judgeRule(rule, 0, groups, baselines);
    for (const scope of new Set([...tracks.keys(), ...judged.map((j) => j.scope)])) {
      const condition = judged.find((j) => j.scope === scope)?.condition ?? 'clear';
      const before = tracks.get(scope) ?? { phase: 'ok' as const, since: at };
      // A condition seen at one step is taken to have held since the step before.
      const next = step(before, at, condition, rule.forMinutes * 60_000, stepMs);
      if (next.started) starts.push(at);
      if (next.track.phase === 'ok') tracks.delete(scope);
      else tracks.set(scope, next.track);
    }
  }
  const times = starts.length === 1 ? 'once' : `${starts.length} times`;
  const detail = `${starts.length === 0 ? 'Would not have fired' : `Would have fired ${times}`} in the last 24 h (checked every ${stepMinutes} min${rule.threshold.kind === 'relative' ? ', compared with the 24 h before' : ''}).`;
  return { fires: starts.length, starts: starts.slice(-500), stepMinutes, detail, rowsRead: answer.rowsRead };
}

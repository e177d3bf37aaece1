/**
 * What a health probe is: one file per probe, registered in registry.ts. A probe answers with
 * a reading or throws a ProbeFailure whose kind the pipeline state is derived from — never
 * from the wording of a message.
 */
import type { CheckTarget } from '../../setup/check-target.js';
import type { ProbeFailureKind } from '../../../shared/pipeline-status.js';

export type { ProbeFailureKind };

/** A probe's id: the key of its tile and of the rules in derive-state.ts that name it. */
export type ComponentId = string;


export class ProbeFailure extends Error {
  constructor(
    readonly failure: ProbeFailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProbeFailure';
  }
}

/** An HTTP answer's status (null: none came) as a failure kind. */
export function httpFailureKind(status: number | null, timedOut: boolean): ProbeFailureKind {
  if (status === null) return timedOut ? 'timeout' : 'unreachable';
  if (status === 401 || status === 403) return 'auth';
  return 'rejected';
}

export interface ProbeReading<T> {
  /** null: nothing to check for this profile (e.g. no OTLP endpoint). */
  ok: boolean | null;
  detail: string;
  value: T;
}

export interface ProbeContext {
  now: number;
  signal: AbortSignal;
  canaryLandingTimeoutMs?: number;
}

export interface ProbeSchedule {
  pollIntervalMs: number;
  canaryIntervalMs: number | null;
}

export interface ProbeDefinition<T> {
  id: ComponentId;
  /** Its tile's title in the Health view. */
  title: string;
  /** What its tile says when the probe does not run for a profile (its interval is null). */
  offDetail?: string;
  /** What its tile says before its first answer (default "Not checked yet."). */
  pendingDetail?: string;
  /** How often it runs for a profile; null: not for this profile. */
  intervalMs(schedule: ProbeSchedule): number | null;
  /** Its own deadline when longer than the poller's default. */
  timeoutMs?: number;
  run(target: CheckTarget, ctx: ProbeContext): Promise<ProbeReading<T>>;
}

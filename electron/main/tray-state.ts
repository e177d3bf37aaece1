/** Derives the tray's state from the active profile's pipeline status. */
import type { z } from 'zod';
import type { PipelineStatus, ProfilesState } from '../shared/contract.js';
import { ago } from '../shared/time-ago.js';
import type { TrayState, TrayTone } from './tray-presenter.js';

const TONE: Record<z.infer<typeof PipelineStatus>['state'], TrayTone> = {
  Healthy: 'healthy',
  Idle: 'idle',
  Unconfigured: 'idle',
  Degraded: 'warning',
  Stalled: 'warning',
  Down: 'down',
};

export function trayState(profiles: z.infer<typeof ProfilesState> | null, status: z.infer<typeof PipelineStatus> | null, pausedUntil: number, now: number): TrayState {
  const list = (profiles?.profiles ?? []).map((p) => ({ id: p.id, name: p.name, active: p.id === profiles?.activeProfileId }));
  if (!status) return { tone: 'idle', headline: 'Checking the pipeline…', detail: '', profiles: list, pausedUntil };
  const newest = status.newestSpanAt !== null ? `newest span ${ago(now - status.newestSpanAt)} ago` : 'no gateway spans in the last hour';
  return { tone: TONE[status.state], headline: `${status.profileName}: ${status.state}`, detail: `${status.reason.slice(0, 120)} (${newest})`, profiles: list, pausedUntil };
}

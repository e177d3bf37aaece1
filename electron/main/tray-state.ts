/** Derives the tray's state from the active profile's pipeline status. */
import type { z } from 'zod';
import type { PipelineStatus, ProfilesState } from '../shared/contract.js';
import { ago } from '../shared/time-ago.js';
import { STATE_TONE, type PipelineTone } from '../shared/pipeline-status.js';
import type { TrayState, TrayTone } from './tray-presenter.js';

/** The tray's icon for each tone of the one state table the window reads too (STATE_TONE). */
const ICON: Record<PipelineTone, TrayTone> = { ok: 'healthy', idle: 'idle', warn: 'warning', bad: 'down' };
const TONE = (state: z.infer<typeof PipelineStatus>['state']): TrayTone => ICON[STATE_TONE[state]];

export function trayState(profiles: z.infer<typeof ProfilesState> | null, status: z.infer<typeof PipelineStatus> | null, pausedUntil: number, now: number): TrayState {
  const list = (profiles?.profiles ?? []).map((p) => ({ id: p.id, name: p.name, active: p.id === profiles?.activeProfileId }));
  if (!status) return { tone: 'idle', headline: 'Checking the pipeline…', detail: '', profiles: list, pausedUntil };
  const newest = status.newestSpanAt !== null ? `newest span ${ago(now - status.newestSpanAt)} ago` : 'no gateway spans in the last hour';
  return { tone: TONE(status.state), headline: `${status.profileName}: ${status.state}`, detail: `${status.reason.slice(0, 120)} (${newest})`, profiles: list, pausedUntil };
}

/** Derives the tray's state from the active profile's pipeline status and its firing alerts. */
import type { z } from 'zod';
import type { PipelineStatus, ProfilesState } from '../shared/contract.js';
import { ago } from '../shared/time-ago.js';
import { STATE_TONE, type PipelineTone } from '../shared/pipeline-status.js';
import type { TrayState, TrayTone } from './tray-presenter.js';
import { formatMetric, type AlertStatus } from '../shared/alert-rules.js';

/** The tray's icon for each tone of the one state table the window reads too (STATE_TONE). */
const ICON: Record<PipelineTone, TrayTone> = { ok: 'healthy', idle: 'idle', warn: 'warning', bad: 'down' };
const TONE = (state: z.infer<typeof PipelineStatus>['state']): TrayTone => ICON[STATE_TONE[state]];

/** The firing alerts in a line each: "Model error rate: anthropic-main/claude-sonnet-4 at 70 % (threshold 20 %)". */
export function firingAlerts(alerts: AlertStatus | null): string[] {
  if (!alerts) return [];
  return alerts.rules.flatMap((r) => r.scopes.filter((s) => s.firing).map((s) => `${r.name}: ${s.scope || 'all traffic'} at ${formatMetric(r.metric, s.value)} (threshold ${formatMetric(r.metric, s.threshold)})`));
}

/** Tooltips are short on every OS: this many alert lines, then a count. */
const ALERT_LINES = 3;

export function trayState(profiles: z.infer<typeof ProfilesState> | null, status: z.infer<typeof PipelineStatus> | null, pausedUntil: number, now: number, alerts: AlertStatus | null = null): TrayState {
  const list = (profiles?.profiles ?? []).map((p) => ({ id: p.id, name: p.name, active: p.id === profiles?.activeProfileId }));
  const firing = firingAlerts(alerts);
  const alertDetail = firing.length ? `\n${firing.slice(0, ALERT_LINES).map((l) => l.slice(0, 120)).join('\n')}${firing.length > ALERT_LINES ? `\nand ${firing.length - ALERT_LINES} more` : ''}` : '';
  const alertHeadline = firing.length ? ` · ${firing.length} alert${firing.length === 1 ? '' : 's'} firing` : '';
  if (!status) return { tone: firing.length ? 'warning' : 'idle', headline: `Checking the pipeline…${alertHeadline}`, detail: alertDetail.trim(), profiles: list, pausedUntil };
  const newest = status.newestSpanAt !== null ? `newest span ${ago(now - status.newestSpanAt)} ago` : 'no gateway spans in the last hour';
  const tone = TONE(status.state);
  // A firing alert makes a green or grey tray amber; a red one stays red.
  return { tone: firing.length && (tone === 'healthy' || tone === 'idle') ? 'warning' : tone, headline: `${status.profileName}: ${status.state}${alertHeadline}`, detail: `${status.reason.slice(0, 120)} (${newest})${alertDetail}`, profiles: list, pausedUntil };
}

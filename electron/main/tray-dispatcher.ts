/** Keeps the tray in step with the core: the latest profiles and pipeline statuses, rendered by the presenter. */
import type { z } from 'zod';
import type { PipelineStatus, ProfilesState } from '../shared/contract.js';
import type { TrayCore } from '../core/tray-core.js';
import type { TrayPresenter } from './tray-presenter.js';
import { trayState } from './tray-state.js';
import type { AlertStatus } from '../shared/alert-rules.js';

export class TrayDispatcher {
  private profiles: z.infer<typeof ProfilesState> | null = null;
  private readonly statuses = new Map<string, z.infer<typeof PipelineStatus>>();
  private pausedUntil = 0;
  private readonly alerts = new Map<string, AlertStatus>();

  constructor(
    private readonly core: TrayCore,
    private readonly presenter: TrayPresenter,
  ) {
    core.on('profiles.changed', (p) => {
      this.profiles = p;
      this.render();
    });
    core.on('pipeline.paused', ({ pausedUntil }) => {
      this.pausedUntil = pausedUntil;
      this.render();
    });
    core.on('alerts.status', (a) => {
      this.alerts.set(a.profileId, a);
      this.render();
    });
    core.on('pipeline.status', (s) => {
      this.statuses.set(s.profileId, s);
      this.render();
    });
  }

  activeProfileId(): string | null {
    return this.profiles?.activeProfileId ?? null;
  }

  render(): void {
    const active = this.profiles?.activeProfileId;
    this.presenter.render(trayState(this.profiles, active ? (this.statuses.get(active) ?? null) : null, this.pausedUntil, Date.now(), active ? (this.alerts.get(active) ?? null) : null));
  }
}

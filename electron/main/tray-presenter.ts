/** The tray, rendered from one state object in one method. The Tray instance is injected, so this is testable. */
import { join } from 'node:path';

export type TrayTone = 'healthy' | 'warning' | 'down' | 'idle';

export interface TrayState {
  tone: TrayTone;
  /** One line: what is going on, e.g. "Staging: Healthy". */
  headline: string;
  /** Extra detail for the tooltip, e.g. "newest span 12 s ago". */
  detail: string;
  profiles: { id: string; name: string; active: boolean }[];
  pausedUntil: number;
}

export interface TrayLike {
  setImage(path: string): void;
  setToolTip(text: string): void;
  setContextMenu(menu: unknown): void;
}

export interface MenuItemSpec {
  label?: string;
  enabled?: boolean;
  type?: 'separator' | 'normal' | 'radio' | 'submenu';
  checked?: boolean;
  submenu?: MenuItemSpec[];
  click?: () => void;
}

export interface TrayPresenterDeps {
  tray: TrayLike;
  assetsDir: string;
  platform: NodeJS.Platform;
  buildMenu: (items: MenuItemSpec[]) => unknown;
  now?: () => number;
  onOpen: () => void;
  onSendTestTrace: () => void;
  onSwitchProfile: (id: string) => void;
  onPauseNotifications: (minutes: number) => void;
  onQuit: () => void;
}

export function trayIconPath(assetsDir: string, tone: TrayTone, platform: NodeJS.Platform): string {
  // macOS tints Template images for light and dark menu bars; elsewhere the colour carries the state.
  return join(assetsDir, platform === 'darwin' ? `tray-${tone}Template.png` : `tray-${tone}.png`);
}

export class TrayPresenter {
  constructor(private readonly deps: TrayPresenterDeps) {}

  render(state: TrayState): void {
    const { tray, assetsDir, platform, buildMenu, onOpen, onSendTestTrace, onSwitchProfile, onPauseNotifications, onQuit } = this.deps;
    const now = (this.deps.now ?? Date.now)();
    const paused = state.pausedUntil > now;
    tray.setImage(trayIconPath(assetsDir, state.tone, platform));
    tray.setToolTip(`clickstack-tray — ${state.headline}${state.detail ? `\n${state.detail}` : ''}${paused ? '\nNotifications paused' : ''}`);
    tray.setContextMenu(
      buildMenu([
        { label: state.headline, enabled: false },
        // One line per item: a firing alert's line is its own.
        ...state.detail.split('\n').filter(Boolean).map((label) => ({ label, enabled: false })),
        { type: 'separator' },
        {
          label: 'Profile',
          type: 'submenu',
          submenu: state.profiles.map((p) => ({ label: p.name, type: 'radio' as const, checked: p.active, click: () => onSwitchProfile(p.id) })),
        },
        { label: 'Send test trace', click: onSendTestTrace },
        { label: 'Open clickstack-tray', click: onOpen },
        paused
          ? { label: `Resume notifications (paused until ${new Date(state.pausedUntil).toLocaleTimeString()})`, click: () => onPauseNotifications(0) }
          : { label: 'Pause notifications for 1 hour', click: () => onPauseNotifications(60) },
        { type: 'separator' },
        { label: 'Quit', click: onQuit },
      ]),
    );
  }
}

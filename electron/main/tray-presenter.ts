/** The tray, rendered from one state object in one method. The Tray instance is injected, so this is testable. */
import { join } from 'node:path';

export type TrayTone = 'healthy' | 'warning' | 'down' | 'idle';

export interface TrayState {
  tone: TrayTone;
  /** One line: what is going on, e.g. "Local sandbox running". */
  headline: string;
}

export interface TrayLike {
  setImage(path: string): void;
  setToolTip(text: string): void;
  setContextMenu(menu: unknown): void;
}

export interface MenuItemSpec {
  label?: string;
  enabled?: boolean;
  type?: 'separator' | 'normal';
  click?: () => void;
}

export interface TrayPresenterDeps {
  tray: TrayLike;
  assetsDir: string;
  platform: NodeJS.Platform;
  buildMenu: (items: MenuItemSpec[]) => unknown;
  onOpen: () => void;
  onSendTestTrace: () => void;
  onQuit: () => void;
}

export function trayIconPath(assetsDir: string, tone: TrayTone, platform: NodeJS.Platform): string {
  // macOS tints Template images for light and dark menu bars; elsewhere the colour carries the state.
  return join(assetsDir, platform === 'darwin' ? `tray-${tone}Template.png` : `tray-${tone}.png`);
}

export class TrayPresenter {
  constructor(private readonly deps: TrayPresenterDeps) {}

  render(state: TrayState): void {
    const { tray, assetsDir, platform, buildMenu, onOpen, onSendTestTrace, onQuit } = this.deps;
    tray.setImage(trayIconPath(assetsDir, state.tone, platform));
    tray.setToolTip(`clickstack-tray — ${state.headline}`);
    tray.setContextMenu(
      buildMenu([
        { label: state.headline, enabled: false },
        { type: 'separator' },
        { label: 'Open clickstack-tray', click: onOpen },
        { label: 'Send test trace', click: onSendTestTrace },
        { type: 'separator' },
        { label: 'Quit', click: onQuit },
      ]),
    );
  }
}

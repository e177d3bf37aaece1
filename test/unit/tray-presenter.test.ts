/** The tray renders icon, tooltip and menu from one state, with an injected Tray. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrayPresenter, trayIconPath, type MenuItemSpec, type TrayTone } from '../../electron/main/tray-presenter.js';
import { trayStateFromSandbox } from '../../electron/main/tray-state.js';

function fakeTray() {
  const calls = { image: '', tooltip: '', menu: [] as MenuItemSpec[] };
  return {
    calls,
    tray: {
      setImage: (p: string) => void (calls.image = p),
      setToolTip: (t: string) => void (calls.tooltip = t),
      setContextMenu: (m: unknown) => void (calls.menu = m as MenuItemSpec[]),
    },
  };
}

describe('tray presenter', () => {
  it('shows the state in the icon, the tooltip and the first menu line; Open and Quit work', () => {
    const { tray, calls } = fakeTray();
    let opened = 0;
    let quit = 0;
    let tests = 0;
    const presenter = new TrayPresenter({ tray, assetsDir: 'assets', platform: 'linux', buildMenu: (items) => items, onOpen: () => opened++, onSendTestTrace: () => tests++, onQuit: () => quit++ });
    presenter.render(trayStateFromSandbox({ state: 'crashed', detail: 'x', endpoints: null, dataDir: null, since: 0 }));
    expect(calls.image).toBe(join('assets', 'tray-down.png'));
    expect(calls.tooltip).toBe('clickstack-tray — Local sandbox stopped unexpectedly');
    expect(calls.menu[0]).toEqual({ label: 'Local sandbox stopped unexpectedly', enabled: false });
    calls.menu.find((m) => m.label === 'Open clickstack-tray')!.click!();
    calls.menu.find((m) => m.label === 'Send test trace')!.click!();
    calls.menu.find((m) => m.label === 'Quit')!.click!();
    expect([opened, tests, quit]).toEqual([1, 1, 1]);
  });

  it('uses Template images on macOS and has an icon file for every state at 1x and 2x', () => {
    for (const tone of ['healthy', 'warning', 'down', 'idle'] as TrayTone[]) {
      expect(trayIconPath('assets', tone, 'darwin')).toBe(join('assets', `tray-${tone}Template.png`));
      for (const file of [`tray-${tone}.png`, `tray-${tone}@2x.png`, `tray-${tone}Template.png`, `tray-${tone}Template@2x.png`]) {
        expect(existsSync(join('assets', file)), file).toBe(true);
      }
    }
  });
});

/**
 * The tray app's desktop behaviour with the OS and Electron injected: start at login on each OS
 * (the autostart file on Linux written, read back and removed for real in a temporary home),
 * the dock and first-launch rules, notification clicks, and quitting that stops the core first.
 */
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { autostartEntry, HIDDEN_ARG, readLoginItem, writeLoginItem, type LoginItemDeps } from '../../electron/main/login-item.js';
import { dockIconVisible, launchedAtLogin, opensWindowAtStart, syncDock } from '../../electron/main/launch-rules.js';
import { MAX_KEPT_NOTIFICATIONS, NotificationKeeper } from '../../electron/main/notification-keeper.js';
import { stopBeforeQuit } from '../../electron/main/quit-guard.js';
import { sandboxUnavailableReason } from '../../electron/node-shared/app-files.js';

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

function deps(platform: NodeJS.Platform, over: Partial<LoginItemDeps> = {}): LoginItemDeps & { osItems: { openAtLogin: boolean; args?: string[] }[] } {
  const home = mkdtempSync(join(tmpdir(), 'cst-home-'));
  homes.push(home);
  const osItems: { openAtLogin: boolean; args?: string[] }[] = [];
  return {
    osItems,
    platform,
    // What Electron reports: the last setting made, matched on args as Windows does.
    getLoginItemSettings: (options) => ({ openAtLogin: osItems.some((i) => i.openAtLogin && JSON.stringify(i.args ?? []) === JSON.stringify(options?.args ?? [])) }),
    setLoginItemSettings: (s) => {
      osItems.splice(0, osItems.length, s);
    },
    env: { HOME: home },
    execPath: '/opt/clickstack-tray/clickstack-tray',
    fs: {
      readFile: (p) => (existsSync(p) ? readFileSync(p, 'utf8') : null),
      writeFile: (p, t) => writeFileSync(p, t),
      remove: (p) => rmSync(p),
      mkdir: (p) => mkdirSync(p, { recursive: true }),
    },
    ...over,
  };
}

describe('start at login', () => {
  it('on Linux writes an XDG autostart entry that starts the app hidden, reads it back, and removes it', () => {
    const d = deps('linux');
    const file = join(d.env.HOME!, '.config', 'autostart', 'clickstack-tray.desktop');
    expect(readLoginItem(d)).toMatchObject({ supported: true, enabled: false });
    expect(writeLoginItem(d, true)).toMatchObject({ enabled: true, detail: expect.stringContaining(file) });
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('[Desktop Entry]');
    expect(text).toContain('Type=Application');
    expect(text).toContain(`Exec="/opt/clickstack-tray/clickstack-tray" ${HIDDEN_ARG}`);
    expect(text).toContain('X-GNOME-Autostart-enabled=true');
    expect(writeLoginItem(d, false)).toMatchObject({ enabled: false });
    expect(existsSync(file)).toBe(false);
    // Turning off what is already off is not an error.
    expect(writeLoginItem(d, false).enabled).toBe(false);
  });

  it('on Linux starts the AppImage file itself, honours XDG_CONFIG_HOME, and quotes the path', () => {
    const base = deps('linux');
    const config = join(base.env.HOME!, 'xdg');
    const d = { ...base, env: { ...base.env, XDG_CONFIG_HOME: config, APPIMAGE: '/home/ann/Apps/clickstack "tray" $1.AppImage' } };
    writeLoginItem(d, true);
    const text = readFileSync(join(config, 'autostart', 'clickstack-tray.desktop'), 'utf8');
    expect(text).toContain('Exec="/home/ann/Apps/clickstack \\"tray\\" \\$1.AppImage" --hidden');
    expect(readLoginItem(d).enabled).toBe(true);
  });

  it('on Linux reads the state from the file: one the desktop disabled, or one for another program, is off', () => {
    const d = deps('linux');
    const dir = join(d.env.HOME!, '.config', 'autostart');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'clickstack-tray.desktop'), autostartEntry(d.execPath).replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false'));
    expect(readLoginItem(d).enabled).toBe(false);
    writeFileSync(join(dir, 'clickstack-tray.desktop'), `${autostartEntry(d.execPath)}Hidden=true\n`);
    expect(readLoginItem(d).enabled).toBe(false);
    writeFileSync(join(dir, 'clickstack-tray.desktop'), autostartEntry('/usr/bin/something-else'));
    expect(readLoginItem(d).enabled).toBe(false);
    expect(readLoginItem({ ...d, env: {} })).toMatchObject({ supported: false, detail: expect.stringMatching(/no autostart folder/) });
  });

  it('on macOS and Windows asks Electron, with --hidden on Windows, and reports what the system says', () => {
    const mac = deps('darwin');
    expect(writeLoginItem(mac, true)).toMatchObject({ supported: true, enabled: true, detail: expect.stringContaining('Login Items') });
    expect(mac.osItems).toEqual([{ openAtLogin: true }]);
    const win = deps('win32');
    expect(writeLoginItem(win, true)).toMatchObject({ enabled: true, detail: expect.stringContaining('Startup apps') });
    expect(win.osItems).toEqual([{ openAtLogin: true, args: [HIDDEN_ARG] }]);
    expect(writeLoginItem(win, false).enabled).toBe(false);
    // A system that refuses (policy, sandboxed build) reads back as off: the switch shows the truth.
    const refusing = deps('darwin', { setLoginItemSettings: () => undefined });
    expect(writeLoginItem(refusing, true).enabled).toBe(false);
  });
});

describe('launch and dock rules', () => {
  it('opens the window on a launch by the user and starts in the tray on a launch at login', () => {
    expect(opensWindowAtStart({ launchedAtLogin: launchedAtLogin({ argv: ['/app'], platform: 'linux' }) })).toBe(true);
    expect(opensWindowAtStart({ launchedAtLogin: launchedAtLogin({ argv: ['/app', HIDDEN_ARG], platform: 'linux' }) })).toBe(false);
    expect(launchedAtLogin({ argv: ['/app', HIDDEN_ARG], platform: 'win32' })).toBe(true);
    expect(launchedAtLogin({ argv: ['/app'], platform: 'darwin', wasOpenedAtLogin: true })).toBe(true);
    expect(launchedAtLogin({ argv: ['/app'], platform: 'darwin', wasOpenedAtLogin: false })).toBe(false);
  });

  it('shows the macOS dock icon only while a window is open, and leaves other systems alone', () => {
    expect(dockIconVisible('darwin', 1)).toBe(true);
    expect(dockIconVisible('darwin', 0)).toBe(false);
    expect(dockIconVisible('linux', 0)).toBeNull();
    const dock = { show: vi.fn(), hide: vi.fn() };
    syncDock('darwin', dock, 0);
    syncDock('darwin', dock, 2);
    syncDock('win32', dock, 0);
    expect(dock.hide).toHaveBeenCalledTimes(1);
    expect(dock.show).toHaveBeenCalledTimes(1);
  });
});

class FakeNotification extends EventEmitter {
  shown = 0;
  show(): void {
    this.shown++;
  }
}

describe('notifications', () => {
  it('are kept until clicked or closed, and a click opens the Health view', () => {
    const keeper = new NotificationKeeper<FakeNotification>();
    const opened: string[] = [];
    const a = new FakeNotification();
    const b = new FakeNotification();
    keeper.show(a, () => opened.push('health'));
    keeper.show(b, () => opened.push('health'));
    expect([a.shown, b.shown, keeper.size]).toEqual([1, 1, 2]);
    a.emit('click');
    expect(opened).toEqual(['health']);
    expect(keeper.size).toBe(1);
    b.emit('close');
    expect(keeper.size).toBe(0);
    expect(opened).toEqual(['health']);
  });

  it('hold at most a fixed number, so a flood does not hold memory forever', () => {
    const keeper = new NotificationKeeper<FakeNotification>();
    for (let i = 0; i < MAX_KEPT_NOTIFICATIONS + 5; i++) keeper.show(new FakeNotification(), () => undefined);
    expect(keeper.size).toBe(MAX_KEPT_NOTIFICATIONS);
  });
});

class FakeApp extends EventEmitter {
  quits = 0;
  quit(): void {
    this.quits++;
    // Electron emits will-quit again on the next quit().
    const event = { prevented: false, preventDefault() {
      this.prevented = true;
    } };
    this.emit('will-quit', event);
    this.lastEvent = event;
  }
  lastEvent: { prevented: boolean } | null = null;
}

describe('quitting from the tray', () => {
  it('stops the core (and with it the sandbox) before the app quits, once', async () => {
    const app = new FakeApp();
    let stopped = 0;
    let release!: () => void;
    stopBeforeQuit(app, () => new Promise<void>((r) => ((release = r), stopped++)));
    const first = { prevented: false, preventDefault() {
      this.prevented = true;
    } };
    app.emit('will-quit', first);
    app.emit('will-quit', { preventDefault: () => undefined }); // a second quit while stopping
    expect(first.prevented).toBe(true);
    expect([stopped, app.quits]).toEqual([1, 0]);
    release();
    await vi.waitFor(() => expect(app.quits).toBe(1));
    expect(app.lastEvent!.prevented).toBe(false); // the real quit goes through
  });

  it('quits anyway when stopping hangs past the grace period', async () => {
    const app = new FakeApp();
    stopBeforeQuit(app, () => new Promise<void>(() => undefined), 50);
    app.emit('will-quit', { preventDefault: () => undefined });
    await vi.waitFor(() => expect(app.quits).toBe(1), { timeout: 2_000 });
  });
});

describe('where the sandbox can run', () => {
  it('runs where chDB ships a build, and elsewhere says why instead of crash-looping', () => {
    for (const [platform, arch] of [['linux', 'x64'], ['linux', 'arm64'], ['darwin', 'arm64'], ['darwin', 'x64']] as const) expect(sandboxUnavailableReason(platform, arch)).toBeNull();
    expect(sandboxUnavailableReason('win32', 'x64')).toMatch(/not available on win32-x64: its ClickHouse engine \(chDB\) has no build for it/);
  });
});

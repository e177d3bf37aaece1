/**
 * The Electron shell: single instance, a hardened window that hides on close, the
 * tray, and the IPC transport. Everything else lives in the Electron-free core.
 */
import { app, BrowserWindow, clipboard, Menu, net, Notification, protocol, session, shell, Tray, type MenuItemConstructorOptions } from 'electron';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../web/security.js';
import { sandboxDataDir } from '../core/app-paths.js';
import { appFiles, appVersion, sandboxUnavailableReason } from '../node-shared/app-files.js';
import { readLoginItem, writeLoginItem, type LoginItemDeps } from './login-item.js';
import { launchedAtLogin, opensWindowAtStart, syncDock } from './launch-rules.js';
import { NotificationKeeper } from './notification-keeper.js';
import { QUIT_GRACE_MS, stopBeforeQuit } from './quit-guard.js';
import { SandboxSupervisor } from '../core/sandbox-supervisor.js';
import Store from 'electron-store';
import { composeCore, SETTINGS_FILE_NAME } from '../core/compose-core.js';
import { registerIpc } from './ipc-dispatcher.js';
import { TrayPresenter } from './tray-presenter.js';
import { TrayDispatcher } from './tray-dispatcher.js';
import { navigateFor } from './tray-notification.js';
import { logger } from '../core/log.js';
import { acquireInstanceLock, heldMessage } from '../node-shared/instance-lock.js';
import { APP_ORIGIN, denyAllPermissions, guardNavigation, rendererFileFor, secureWebPreferences } from './window-options.js';

const log = logger('main');
const sandboxLog = logger('sandbox');

// Every path from one place: the clone and the packaged app (app.asar, app.asar.unpacked) differ.
const files = appFiles();

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

// Electron's lock covers a second copy of this app; ours also covers `clickstack-tray web` on the same data folder.
const folderLock = app.requestSingleInstanceLock() ? acquireInstanceLock(app.getPath('userData'), 'the clickstack-tray app') : null;
if (!folderLock || !folderLock.acquired) {
  if (folderLock && !folderLock.acquired) log.error(heldMessage(app.getPath('userData'), folderLock.holder));
  app.quit();
} else {
  let window: BrowserWindow | null = null;
  let quitting = false;

  const dataDir = app.getPath('userData');
  // The sandbox runs in a child: this same executable as Node (the supervisor sets ELECTRON_RUN_AS_NODE) on the
  // self-contained entry, which is a real file even when packaged. chDB has no Windows build: there, no sandbox.
  const sandboxOffReason = sandboxUnavailableReason(process.platform, process.arch) ?? undefined;
  const sandbox = !sandboxOffReason
    ? new SandboxSupervisor({
        command: { execPath: process.execPath, args: [files.sandboxEntry, 'sandbox'] },
        dataDir: sandboxDataDir(dataDir),
        log: (line) => sandboxLog.info(line),
      })
    : null;
  if (sandboxOffReason) log.warn(sandboxOffReason);
  const loginItemDeps: LoginItemDeps = {
    platform: process.platform,
    getLoginItemSettings: (options) => app.getLoginItemSettings(options),
    setLoginItemSettings: (settings) => app.setLoginItemSettings(settings),
    env: { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, APPIMAGE: process.env.APPIMAGE },
    execPath: process.execPath,
    fs: {
      readFile: (path) => {
        try {
          return readFileSync(path, 'utf8');
        } catch {
          return null;
        }
      },
      writeFile: (path, text) => writeFileSync(path, text, { mode: 0o644 }),
      remove: (path) => rmSync(path, { force: true }),
      mkdir: (path) => mkdirSync(path, { recursive: true }),
    },
  };
  const { core } = composeCore({
    transport: 'electron',
    version: appVersion(),
    dataDir,
    sandbox,
    sandboxOffReason,
    openExternal: (url) => shell.openExternal(url),
    writeClipboard: (text) => clipboard.writeText(text),
    loginItem: { read: () => readLoginItem(loginItemDeps), write: (enabled) => writeLoginItem(loginItemDeps, enabled) },
    // electron-store writes the same config.json in userData that conf writes for the web bridge.
    openSettingsFile: (dir) => new Store<Record<string, unknown>>({ cwd: dir, name: SETTINGS_FILE_NAME }),
  });

  const visibleWindows = () => BrowserWindow.getAllWindows().filter((w) => !w.isDestroyed() && w.isVisible()).length;
  const showWindow = () => {
    if (!window || window.isDestroyed()) window = createWindow();
    window.show();
    window.focus();
    syncDock(process.platform, app.dock, 1);
  };
  const notifications = new NotificationKeeper<Notification>();

  function createWindow(): BrowserWindow {
    const win = new BrowserWindow({
      width: 1100,
      height: 760,
      show: false,
      title: 'clickstack-tray',
      icon: join(files.assetsDir, 'icon.png'),
      webPreferences: secureWebPreferences(files.preload),
    });
    win.once('ready-to-show', () => win.show());
    win.on('close', (event) => {
      // The app lives in the tray: closing the window only hides it.
      if (!quitting) {
        event.preventDefault();
        win.hide();
      }
    });
    // macOS: the dock icon goes away with the last visible window; the menu bar icon stays.
    win.on('hide', () => syncDock(process.platform, app.dock, visibleWindows()));
    win.on('closed', () => syncDock(process.platform, app.dock, visibleWindows()));
    guardNavigation(win.webContents, (url) => void shell.openExternal(url));
    void win.loadURL(`${APP_ORIGIN}/index.html`);
    return win;
  }

  app.on('second-instance', showWindow);
  app.on('before-quit', () => {
    quitting = true;
  });

  void app.whenReady().then(async () => {
    denyAllPermissions(session.defaultSession);
    protocol.handle('app', async (request) => {
      const file = rendererFileFor(files.rendererDir, new URL(request.url).pathname);
      if (!file) return new Response('Not found', { status: 404 });
      const response = await net.fetch(pathToFileURL(file).toString());
      const headers = new Headers(response.headers);
      headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      headers.set('X-Content-Type-Options', 'nosniff');
      return new Response(response.body, { status: response.status, headers });
    });

    registerIpc(core, () => (window ? [window] : []));

    const tray = new Tray(join(files.assetsDir, process.platform === 'darwin' ? 'tray-idleTemplate.png' : 'tray-idle.png'));
    let trayDispatcher: TrayDispatcher | null = null;
    const presenter = new TrayPresenter({
      tray,
      assetsDir: files.assetsDir,
      platform: process.platform,
      buildMenu: (items) => Menu.buildFromTemplate(items as MenuItemConstructorOptions[]),
      onOpen: showWindow,
      onSendTestTrace: () => {
        // The window shows the stages as they arrive (testTrace.progress events).
        showWindow();
        const profileId = trayDispatcher?.activeProfileId();
        if (profileId) void core.call('testTrace.run', { profileId }).catch((error: unknown) => log.error('test trace from the tray failed', error));
      },
      onSwitchProfile: (id) => void core.call('profiles.activate', { id }).catch((error: unknown) => log.error('switching profile failed', error)),
      // The core owns the pause and announces it (pipeline.paused): the tray and the window both follow that event.
      onPauseNotifications: (minutes) => void core.call('pipeline.pauseNotifications', { minutes }).catch((error: unknown) => log.error('pausing notifications failed', error)),
      onQuit: () => app.quit(),
    });
    trayDispatcher = new TrayDispatcher(core, presenter);
    trayDispatcher.render();

    // Native notifications: the only place the app speaks outside its window. A click opens Health, or Explore on an alert's requests.
    core.on('pipeline.notification', (n) => {
      if (!Notification.isSupported()) return;
      notifications.show(new Notification({ title: n.title, body: n.body }), () => {
        showWindow();
        core.emit('app.navigate', navigateFor(n));
      });
    });
    tray.on('click', showWindow);

    // A launch at login starts quietly in the tray; one by the user opens the window.
    const atLogin = launchedAtLogin({ argv: process.argv, platform: process.platform, wasOpenedAtLogin: process.platform === 'darwin' ? app.getLoginItemSettings().wasOpenedAtLogin : undefined });
    if (opensWindowAtStart({ launchedAtLogin: atLogin })) showWindow();
    else syncDock(process.platform, app.dock, 0);
    await core.start();
  });

  stopBeforeQuit(app, () => core.stop(), QUIT_GRACE_MS, (error) => log.error('stopping before quit failed', error));
  // Keep running in the tray when every window is closed.
  app.on('window-all-closed', () => undefined);
}

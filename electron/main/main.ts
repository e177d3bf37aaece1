/**
 * The Electron shell: single instance, a hardened window that hides on close, the
 * tray, and the IPC transport. Everything else lives in the Electron-free core.
 */
import { app, BrowserWindow, clipboard, Menu, net, Notification, protocol, session, shell, Tray, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../web/security.js';
import { sandboxDataDir } from '../core/app-paths.js';
import { appVersion, projectRoot } from '../core/project-root.js';
import { SandboxSupervisor } from '../core/sandbox-supervisor.js';
import Store from 'electron-store';
import { composeCore, SETTINGS_FILE_NAME } from '../core/compose-core.js';
import { registerIpc } from './ipc-dispatcher.js';
import { TrayPresenter } from './tray-presenter.js';
import { TrayDispatcher } from './tray-dispatcher.js';
import { logger } from '../core/log.js';
import { acquireInstanceLock, heldMessage } from '../node-shared/instance-lock.js';
import { APP_ORIGIN, denyAllPermissions, guardNavigation, rendererFileFor, secureWebPreferences } from './window-options.js';

const log = logger('main');
const sandboxLog = logger('sandbox');

const root = projectRoot();
const rendererDir = join(root, 'dist', 'renderer');

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
  const sandbox = new SandboxSupervisor({
    command: { execPath: process.execPath, args: [join(root, 'dist', 'cli.mjs'), 'sandbox'] },
    dataDir: sandboxDataDir(dataDir),
    log: (line) => sandboxLog.info(line),
  });
  const { core } = composeCore({
    transport: 'electron',
    version: appVersion(),
    dataDir,
    sandbox,
    openExternal: (url) => shell.openExternal(url),
    writeClipboard: (text) => clipboard.writeText(text),
    // electron-store writes the same config.json in userData that conf writes for the web bridge.
    openSettingsFile: (dir) => new Store<Record<string, unknown>>({ cwd: dir, name: SETTINGS_FILE_NAME }),
  });

  const showWindow = () => {
    if (!window || window.isDestroyed()) window = createWindow();
    window.show();
    window.focus();
  };

  function createWindow(): BrowserWindow {
    const win = new BrowserWindow({
      width: 1100,
      height: 760,
      show: false,
      title: 'clickstack-tray',
      icon: join(root, 'assets', 'icon.png'),
      webPreferences: secureWebPreferences(join(root, 'dist', 'electron', 'preload.cjs')),
    });
    win.once('ready-to-show', () => win.show());
    win.on('close', (event) => {
      // The app lives in the tray: closing the window only hides it.
      if (!quitting) {
        event.preventDefault();
        win.hide();
      }
    });
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
      const file = rendererFileFor(rendererDir, new URL(request.url).pathname);
      if (!file) return new Response('Not found', { status: 404 });
      const response = await net.fetch(pathToFileURL(file).toString());
      const headers = new Headers(response.headers);
      headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      headers.set('X-Content-Type-Options', 'nosniff');
      return new Response(response.body, { status: response.status, headers });
    });

    registerIpc(core, () => (window ? [window] : []));

    const tray = new Tray(join(root, 'assets', process.platform === 'darwin' ? 'tray-idleTemplate.png' : 'tray-idle.png'));
    let trayDispatcher: TrayDispatcher | null = null;
    const presenter = new TrayPresenter({
      tray,
      assetsDir: join(root, 'assets'),
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

    // Native notifications: the only place the app speaks outside its window. A click opens the Health view.
    core.on('pipeline.notification', (n) => {
      if (!Notification.isSupported()) return;
      const notification = new Notification({ title: n.title, body: n.body });
      notification.on('click', () => {
        showWindow();
        core.emit('app.navigate', { view: 'health' });
      });
      notification.show();
    });
    tray.on('click', showWindow);

    showWindow();
    await core.start();
  });

  let stopped = false;
  app.on('will-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    void core.stop().finally(() => {
      stopped = true;
      app.quit();
    });
  });
  // Keep running in the tray when every window is closed.
  app.on('window-all-closed', () => undefined);
}

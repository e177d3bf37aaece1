/** Transport 1: contract calls over IPC, checked for sender and payload; events out to every window. */
import { ipcMain, type BrowserWindow } from 'electron';
import { methodNames, type EventName } from '../shared/contract.js';
import type { TrayCore } from '../core/tray-core.js';
import { eventChannel, methodChannel } from '../shared/ipc-channels.js';
import { WindowOwners, contractHandler } from './ipc-handler.js';

export function registerIpc(core: TrayCore, windows: () => BrowserWindow[]): () => void {
  const owners = new WindowOwners(core);
  for (const method of methodNames) {
    ipcMain.handle(methodChannel(method), contractHandler(core, method, owners));
  }
  const off = core.onEvent((event: EventName, payload) => {
    for (const win of windows()) if (!win.isDestroyed()) win.webContents.send(eventChannel(event), payload);
  });
  return () => {
    off();
    for (const method of methodNames) ipcMain.removeHandler(methodChannel(method));
  };
}

/** Transport 1: contract calls over IPC, checked for sender and payload; events out to every window. */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { ContractError, methodNames, type EventName } from '../contract.js';
import type { TrayCore } from '../core/tray-core.js';
import { eventChannel, methodChannel } from '../ipc-channels.js';
import { isTrustedFrameUrl } from './window-options.js';

export function registerIpc(core: TrayCore, windows: () => BrowserWindow[]): () => void {
  for (const method of methodNames) {
    ipcMain.handle(methodChannel(method), async (event: IpcMainInvokeEvent, input: unknown) => {
      if (!event.senderFrame || !isTrustedFrameUrl(event.senderFrame.url)) {
        throw new ContractError('forbidden', 'Calls are only accepted from the app’s own pages.');
      }
      return core.call(method, input);
    });
  }
  const off = core.onEvent((event: EventName, payload) => {
    for (const win of windows()) if (!win.isDestroyed()) win.webContents.send(eventChannel(event), payload);
  });
  return () => {
    off();
    for (const method of methodNames) ipcMain.removeHandler(methodChannel(method));
  };
}

/**
 * Runs in the sandboxed preload: exposes exactly the contract's methods and events
 * through contextBridge. The page never sees ipcRenderer.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventNames, isEventName, methodNames, type EventName, type MethodName } from '../shared/contract.js';
import { eventChannel, methodChannel } from '../shared/ipc-channels.js';

const methods = Object.fromEntries(
  methodNames.map((name: MethodName) => [name, (input: unknown) => ipcRenderer.invoke(methodChannel(name), input)]),
) as Record<MethodName, (input: unknown) => Promise<unknown>>;

contextBridge.exposeInMainWorld('clickstackTray', {
  transport: 'electron',
  methods,
  on(event: EventName, listener: (payload: unknown) => void): () => void {
    if (!isEventName(event)) throw new Error(`Unknown event ${String(event)}`);
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(eventChannel(event), wrapped);
    return () => ipcRenderer.removeListener(eventChannel(event), wrapped);
  },
  events: eventNames,
});

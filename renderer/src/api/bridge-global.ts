/** What the Electron preload puts on window: one function per contract method, plus event subscription. */
import type { EventName, MethodName } from '../../../electron/shared/contract';

export interface PreloadBridge {
  transport: 'electron';
  methods: Record<MethodName, (input: unknown) => Promise<unknown>>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    clickstackTray?: PreloadBridge;
  }
}

/**
 * What each IPC handler does, apart from Electron so it can be tested without it: refuse
 * calls from any frame but the app's own pages, then let the core validate and answer.
 */
import { ContractError, type MethodName } from '../shared/contract.js';
import type { TrayCore } from '../core/tray-core.js';
import { isTrustedFrameUrl } from './window-options.js';

/** The part of Electron's IpcMainInvokeEvent the check reads. */
export interface InvokeEventLike {
  senderFrame: { url: string } | null;
}

export function contractHandler(core: Pick<TrayCore, 'call'>, method: MethodName) {
  return async (event: InvokeEventLike, input: unknown): Promise<unknown> => {
    if (!event.senderFrame || !isTrustedFrameUrl(event.senderFrame.url)) {
      throw new ContractError('forbidden', 'Calls are only accepted from the app’s own pages.');
    }
    return core.call(method, input);
  };
}

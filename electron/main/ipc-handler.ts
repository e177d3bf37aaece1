/**
 * What each IPC handler does, apart from Electron so it can be tested without it: refuse
 * calls from any frame but the app's own pages, then let the core validate and answer.
 * The live tails a window's page starts belong to that page: they stop when the window's
 * contents are destroyed, crash, or navigate to a new page (a reload).
 */
import { ContractError, type MethodName } from '../shared/contract.js';
import type { TrayCore } from '../core/tray-core.js';
import { isTrustedFrameUrl } from './window-options.js';

/** The part of Electron's WebContents the ownership reads. */
export interface SenderLike {
  id: number;
  on(event: 'destroyed' | 'render-process-gone' | 'did-navigate', listener: () => void): unknown;
}

/** The part of Electron's IpcMainInvokeEvent the check reads. */
export interface InvokeEventLike {
  senderFrame: { url: string } | null;
  sender?: SenderLike;
}

/** One per registration: remembers which windows' contents it already watches. */
export class WindowOwners {
  private readonly watched = new Set<number>();
  constructor(private readonly core: Pick<TrayCore, 'releaseOwner'>) {}

  ownerOf(sender: SenderLike | undefined): string | undefined {
    if (!sender) return undefined;
    const owner = `window:${sender.id}`;
    if (!this.watched.has(sender.id)) {
      this.watched.add(sender.id);
      const release = () => this.core.releaseOwner(owner);
      sender.on('render-process-gone', release);
      sender.on('did-navigate', release);
      sender.on('destroyed', () => {
        release();
        this.watched.delete(sender.id);
      });
    }
    return owner;
  }
}

export function contractHandler(core: Pick<TrayCore, 'call' | 'releaseOwner'>, method: MethodName, owners = new WindowOwners(core)) {
  return async (event: InvokeEventLike, input: unknown): Promise<unknown> => {
    if (!event.senderFrame || !isTrustedFrameUrl(event.senderFrame.url)) {
      throw new ContractError('forbidden', 'Calls are only accepted from the app’s own pages.');
    }
    return core.call(method, input, owners.ownerOf(event.sender));
  };
}

/** The desktop half of "a tail lives as long as its page": a window's contents going away releases its tails. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { contractHandler, WindowOwners } from '../../electron/main/ipc-handler.js';

class FakeContents extends EventEmitter {
  constructor(readonly id: number) {
    super();
  }
}

function fakeCore() {
  const calls: { method: string; owner: string | undefined }[] = [];
  const released: string[] = [];
  return {
    calls,
    released,
    call: async (method: string, _input: unknown, owner?: string) => {
      calls.push({ method, owner });
      return { sessionId: 's1', spans: [], strategy: {} };
    },
    releaseOwner: (owner: string) => {
      released.push(owner);
      return 1;
    },
  };
}

const frame = { url: 'app://renderer/index.html' };

describe('window ownership of live tails', () => {
  it('names the calling window as the owner and releases it when its page goes away', async () => {
    const core = fakeCore();
    const owners = new WindowOwners(core);
    const start = contractHandler(core, 'tail.start', owners);
    const win = new FakeContents(7);
    await start({ senderFrame: frame, sender: win }, { profileId: 'p', query: '', allServices: false });
    await start({ senderFrame: frame, sender: win }, { profileId: 'p', query: '', allServices: false });
    expect(core.calls.map((c) => c.owner)).toEqual(['window:7', 'window:7']);
    // Watched once, however many calls it makes.
    expect(win.listenerCount('destroyed')).toBe(1);

    win.emit('did-navigate'); // a reload: the old page's tails go
    win.emit('render-process-gone');
    win.emit('destroyed');
    expect(core.released).toEqual(['window:7', 'window:7', 'window:7']);
  });

  it('leaves calls without a sender (tests, other transports) unowned', async () => {
    const core = fakeCore();
    await contractHandler(core, 'tail.start')({ senderFrame: frame }, {});
    expect(core.calls[0]!.owner).toBeUndefined();
  });
});

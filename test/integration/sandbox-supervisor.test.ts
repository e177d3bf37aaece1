/** The app notices when its sandbox process dies, and can start it again. */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox | undefined;
afterAll(async () => {
  await sandbox?.dispose();
});

describe('sandbox supervisor', () => {
  it('reports a crash with a reason, then restarts on the same data', async () => {
    sandbox = await startTestSandbox();
    const seen: string[] = [];
    sandbox.supervisor.onStatus((s) => seen.push(s.state));
    const pid = sandbox.supervisor.pid!;
    const crashed = new Promise<void>((resolve) => sandbox!.supervisor.onStatus((s) => s.state === 'crashed' && resolve()));
    process.kill(pid, 'SIGKILL');
    await crashed;
    expect(sandbox.supervisor.status.detail).toMatch(/stopped unexpectedly \(SIGKILL\)/);
    expect(sandbox.supervisor.status.endpoints).toBeNull();
    const restarted = await sandbox.supervisor.start();
    expect(restarted.state).toBe('running');
    expect((await fetch(restarted.endpoints!.health)).status).toBe(200);
    expect(seen).toEqual(['crashed', 'starting', 'running']);
  });
});

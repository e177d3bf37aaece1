/**
 * A port another program holds: the sandbox and `web` say which port, what wanted it and what to do, in one sentence
 * (not Node's "listen EADDRINUSE: address already in use"); the app's sandbox moves off a remembered port that was taken.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxSupervisor } from '../../electron/core/sandbox-supervisor.js';
import { PORT_IN_USE_EXIT_CODE } from '../../electron/node-shared/port-in-use.js';
import { SANDBOX_CLI } from '../support/sandbox.js';

const held: Server[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const s of held.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Another program on a port: a plain listening socket. */
async function hold(port = 0): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  held.push(server);
  return (server.address() as { port: number }).port;
}

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'cst-port-'));
  dirs.push(d);
  return d;
}

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', ...args], { env: { ...process.env, CLICKSTACK_TRAY_HOME: tmp() }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, err: r.stderr };
}

describe('a port in use', () => {
  it('sandbox names the port, the receiver and the flag that picks another, for each of its ports', async () => {
    const port = await hold();
    for (const [flag, what] of [
      ['--otlp-port', 'the sandbox’s OTLP/HTTP receiver'],
      ['--otlp-grpc-port', 'the sandbox’s OTLP/gRPC receiver'],
    ] as const) {
      const { code, err } = cli(['sandbox', flag, String(port), '--data-dir', tmp()]);
      const last = err.trim().split('\n').pop();
      expect(last).toBe(`clickstack-tray: Port ${port} on 127.0.0.1 is already in use by another program, so ${what} cannot listen there. Stop that program, or give another port with ${flag} (0 picks a free one).`);
      expect(err).not.toContain('listen EADDRINUSE: address already in use');
      expect(code).toBe(PORT_IN_USE_EXIT_CODE);
    }
  }, 60_000);

  it('web names its --port', async () => {
    const port = await hold();
    const { code, err } = cli(['web', '--no-sandbox', '--port', String(port)]);
    expect(err.trim()).toBe(`clickstack-tray: Port ${port} on 127.0.0.1 is already in use by another program, so the app cannot listen there. Stop that program, or give another port with --port (0 picks a free one).`);
    expect(code).not.toBe(0);
  });

  it('the app’s sandbox, finding a port it had last time taken, says so and moves to free ports', async () => {
    const supervisor = new SandboxSupervisor({ command: { execPath: process.execPath, args: SANDBOX_CLI }, dataDir: tmp(), restartDelaysMs: [100] });
    try {
      const first = await supervisor.start();
      expect(first.state).toBe('running');
      const otlpPort = Number(new URL(first.endpoints!.otlp).port);
      await supervisor.stop();
      await hold(otlpPort);
      const running = new Promise<void>((r) => supervisor.onStatus((s) => s.state === 'running' && r()));
      const again = await supervisor.start();
      expect(again).toMatchObject({ state: 'crashed', detail: `Port ${otlpPort}, where the sandbox’s OTLP/HTTP receiver listened before, is now used by another program: the sandbox moves to free ports (its addresses change). Restarting in 0.1 s.` });
      await running;
      expect(Number(new URL(supervisor.status.endpoints!.otlp).port)).not.toBe(otlpPort);
    } finally {
      await supervisor.stop();
    }
  }, 60_000);
});

/**
 * A private Secret Service for the test runners (Playwright's and vitest's global setup): when the
 * keychain cannot be reached from this environment (no D-Bus session, as on a fresh machine or over
 * ssh), it starts its own D-Bus session bus and an unlocked GNOME keyring in a temporary folder —
 * what `.ci/run` gets from scripts/with-test-keyring.sh — and points this process (and so every
 * process the runner starts) at it. The user's own keyrings are never touched.
 *
 * When gnome-keyring or dbus is not installed it says so in one line and changes nothing; the
 * keychain tests then skip with that reason.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { clearTimeout, setTimeout } from 'node:timers';

const PROBE = `
const { AsyncEntry } = require('@napi-rs/keyring');
const entry = new AsyncEntry('clickstack-tray-keyring-probe-' + process.pid, 'probe');
entry.setPassword('probe')
  .then(() => entry.getPassword())
  .then(async (back) => { await entry.deletePassword(); process.exit(back === 'probe' ? 0 : 1); })
  .catch((error) => { process.stderr.write(String(error && error.message || error)); process.exit(1); });
`;

/** Whether a Secret Service answers a write and read-back from `env`; runs in a child so no connection is cached here. */
function probe(env) {
  const run = spawnSync(process.execPath, ['-e', PROBE], { env, encoding: 'utf8', timeout: 15_000 });
  return { ok: run.status === 0, detail: (run.stderr || '').trim() || `exit ${run.status}` };
}

function installed(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Waits for the first line of a child's standard output. */
function firstLine(child, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} printed nothing within 10 s`)), 10_000);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
  });
}

/**
 * Makes a Secret Service reachable for this process and its children.
 * Returns a function that stops what it started (a no-op when it started nothing).
 */
export async function ensureKeyring(log = (line) => console.log(line)) {
  const here = probe(process.env);
  if (here.ok) return async () => {};
  if (process.env.CLICKSTACK_TRAY_NO_PRIVATE_KEYRING) {
    log(`keychain: none reachable (${here.detail}); CLICKSTACK_TRAY_NO_PRIVATE_KEYRING is set, so the keychain tests skip`);
    return async () => {};
  }
  const missing = ['dbus-daemon', 'gnome-keyring-daemon'].filter((c) => !installed(c));
  if (missing.length > 0) {
    log(`keychain: none reachable (${here.detail}) and ${missing.join(', ')} not installed (Debian: apt-get install dbus gnome-keyring), so the keychain tests skip`);
    return async () => {};
  }

  const folder = mkdtempSync(join(tmpdir(), 'cst-keyring-'));
  const data = join(folder, 'data');
  const runtime = join(folder, 'runtime');
  mkdirSync(join(data, 'keyrings'), { recursive: true });
  mkdirSync(runtime, { recursive: true, mode: 0o700 });
  // The "login" keyring is the default collection, so nothing asks a (headless) prompt to create one.
  writeFileSync(join(data, 'keyrings', 'default'), 'login');

  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--nopidfile', '--print-address=1'], {
    // Its standard error only says that it cannot raise its fd limit and which services it activated.
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, XDG_RUNTIME_DIR: runtime },
  });
  const address = await firstLine(bus, 'dbus-daemon');
  const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: address, XDG_DATA_HOME: data, XDG_RUNTIME_DIR: runtime };
  // As scripts/with-test-keyring.sh: the daemon reads the password on standard input, unlocks (and
  // creates) the login keyring and forks; it leaves with the session bus it serves.
  const unlock = spawnSync('gnome-keyring-daemon', ['--unlock', '--components=secrets'], { input: 'private-test-keyring', env, encoding: 'utf8', timeout: 15_000 });
  const control = /GNOME_KEYRING_CONTROL=(.*)/.exec(unlock.stdout ?? '')?.[1];
  if (control) env.GNOME_KEYRING_CONTROL = control;

  const stop = async () => {
    if (bus.exitCode === null && bus.signalCode === null) {
      const exited = new Promise((resolve) => bus.once('exit', resolve));
      bus.kill('SIGTERM');
      await exited;
    }
    rmSync(folder, { recursive: true, force: true });
  };

  const deadline = Date.now() + 15_000;
  let last = here;
  while (Date.now() < deadline) {
    last = probe(env);
    if (last.ok) break;
    await sleep(250);
  }
  if (!last.ok) {
    await stop();
    log(`keychain: none reachable, and a private one did not answer (${last.detail}), so the keychain tests skip`);
    return async () => {};
  }
  process.env.DBUS_SESSION_BUS_ADDRESS = address;
  process.env.XDG_DATA_HOME = data;
  process.env.XDG_RUNTIME_DIR = runtime;
  log(`keychain: none was reachable, so the tests use a private Secret Service (gnome-keyring on ${address})`);
  return stop;
}

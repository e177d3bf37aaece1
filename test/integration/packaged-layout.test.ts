/**
 * The packaged desktop app, built for real by `scripts/dist.mjs --dir` (electron-builder with
 * electron-builder.json; a stand-in Electron directory where the binary cannot be downloaded)
 * and inspected: what the asar holds and must not hold, the native code in app.asar.unpacked,
 * and the sandbox started from that layout the way the packaged app starts it — its own entry,
 * run as Node, loading chDB from app.asar.unpacked — then sent a span and asked for it.
 * Also: the configuration for all three OSes passes electron-builder's own validation.
 */
import { extractAll, listPackage, statFile } from '@electron/asar';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appFiles } from '../../electron/node-shared/app-files.js';
import { jsonTraceRequest, postOtlp, selectRows } from '../support/otlp-http.js';

const require = createRequire(import.meta.url);
const root = process.cwd();
const out = mkdtempSync(join(tmpdir(), 'cst-dist-'));
const unpackedApp = join(out, 'linux-unpacked');
const resources = join(unpackedApp, 'resources');
const asarPath = join(resources, 'app.asar');
let entries: string[] = [];

function duBytes(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((n, name) => n + duBytes(join(path, name)), 0);
}
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

describe.skipIf(process.platform !== 'linux')('the packaged app (Linux unpacked layout)', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'renderer', 'index.html'))) throw new Error('dist/ is not built: run `npm run build` first (npm test does).');
    const started = Date.now();
    const build = spawnSync(process.execPath, ['scripts/dist.mjs', '--dir', '--out', out], { cwd: root, encoding: 'utf8', timeout: 240_000 });
    if (build.status !== 0) throw new Error(`dist:dir failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
    entries = listPackage(asarPath, { isPack: false }).map((e) => e.replaceAll('\\', '/'));
    console.log(`packaged layout built in ${((Date.now() - started) / 1000).toFixed(1)} s: ${mb(duBytes(unpackedApp))} unpacked (app.asar ${mb(statSync(asarPath).size)}, app.asar.unpacked ${mb(duBytes(join(resources, 'app.asar.unpacked')))}), ${entries.length} entries in the asar`);
  }, 300_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('holds the built app and its production dependencies, and nothing of the sources, tests or dev tools', () => {
    for (const f of ['/package.json', '/dist/electron/main.mjs', '/dist/electron/preload.cjs', '/dist/renderer/index.html', '/dist/sandbox.mjs', '/dist/schema/clickstack.sql', '/assets/tray-idle.png', '/assets/tray-idleTemplate@2x.png', '/node_modules/zod/package.json', '/node_modules/@grpc/grpc-js/package.json']) {
      expect(entries, f).toContain(f);
    }
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    expect(entries).toContain(`/${pkg.main}`);
    const offending = entries.filter((e) => /^\/(electron|renderer|test|scripts|docs|collector|\.ci)\//.test(e) || /\.(map|tsx?)$/.test(e) && !e.endsWith('.d.ts') || /^\/(tsconfig|vite\.config|vitest\.config|playwright\.config|eslint\.config)/.test(e));
    expect(offending).toEqual([]);
    for (const dev of ['vitest', 'typescript', 'electron', 'electron-builder', '@playwright/test', 'vite', 'eslint', 'esbuild', 'react', 'uplot', 'tsx']) {
      expect(entries.some((e) => e.startsWith(`/node_modules/${dev}/`)), `dev dependency ${dev} in the package`).toBe(false);
    }
  });

  it('keeps the native libraries and the sandbox outside the archive, in app.asar.unpacked', () => {
    const unpacked = join(resources, 'app.asar.unpacked');
    const natives = ['node_modules/@chdb/lib-linux-x64-gnu/libchdb.so', 'node_modules/@chdb/lib-linux-x64-gnu/chdb_node.node', 'node_modules/@napi-rs/keyring-linux-x64-gnu/keyring.linux-x64-gnu.node', 'dist/sandbox.mjs', 'dist/schema/clickstack.sql'];
    for (const f of natives) {
      expect(existsSync(join(unpacked, f)), f).toBe(true);
      expect((statFile(asarPath, f) as { unpacked?: boolean }).unpacked, `${f} is marked unpacked in the asar`).toBe(true);
    }
    expect(statSync(join(unpacked, natives[0]!)).size).toBeGreaterThan(100 * 1024 * 1024);
    // The keyring binding loads from there (Electron redirects the asar path to it).
    const keyring = require(join(unpacked, natives[2]!)) as { Entry: new (service: string, account: string) => unknown };
    expect(typeof keyring.Entry).toBe('function');
    expect(statSync(join(unpackedApp, 'clickstack-tray')).mode & 0o111).not.toBe(0);
  });

  it('resolves every path the app opens from its packaged root', () => {
    const files = appFiles(asarPath);
    const inAsar = (p: string) => `/${relative(asarPath, p).replaceAll('\\', '/')}`;
    expect(entries).toContain(inAsar(join(files.rendererDir, 'index.html')));
    expect(entries).toContain(inAsar(files.preload));
    expect(entries).toContain(inAsar(join(files.assetsDir, 'icon.png')));
    // The sandbox entry is a real file, so Electron-as-Node (and plain Node) can run it.
    expect(files.sandboxEntry).toBe(join(resources, 'app.asar.unpacked', 'dist', 'sandbox.mjs'));
    expect(existsSync(files.sandboxEntry)).toBe(true);
  });

  it('holds every package the main process imports, complete enough to load', async () => {
    // Node cannot read an asar: extract it (unpacked files included) and resolve as the main process would.
    const extracted = mkdtempSync(join(tmpdir(), 'cst-asar-'));
    try {
      extractAll(asarPath, extracted);
      const main = join(extracted, 'dist', 'electron', 'main.mjs');
      const imports = [...readFileSync(main, 'utf8').matchAll(/^import .* from "([^".][^"]*)";$/gm)].map((m) => m[1]!).filter((s) => !s.startsWith('node:') && s !== 'electron');
      expect(imports).toEqual(expect.arrayContaining(['zod', '@grpc/grpc-js', '@clickhouse/client', '@napi-rs/keyring', 'electron-store']));
      const fromMain = createRequire(main);
      const resolved = imports.map((spec) => ({ spec, path: fromMain.resolve(spec) }));
      for (const r of resolved) expect(r.path.startsWith(extracted), `${r.spec} resolves inside the package`).toBe(true);
      // Loaded in a child process (a package loaded here would stay in this process — undici even takes over fetch).
      // electron-store needs Electron itself to load; the rest must load in plain Node.
      const loadable = resolved.filter((r) => r.spec !== 'electron-store').map((r) => pathToFileURL(r.path).href);
      const load = spawnSync(process.execPath, ['--input-type=module', '-e', `for (const u of ${JSON.stringify(loadable)}) await import(u);`], { encoding: 'utf8', timeout: 60_000 });
      expect(load.status, load.stderr).toBe(0);
    } finally {
      rmSync(extracted, { recursive: true, force: true });
    }
  }, 60_000);

  it('starts the sandbox from the layout as the packaged app does, and it stores and answers', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cst-packaged-sandbox-'));
    const child = spawn(process.execPath, [appFiles(asarPath).sandboxEntry, 'sandbox', '--data-dir', dataDir], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      const ready = await new Promise<{ otlp: string; otlpGrpc: string; clickhouse: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line in 60 s: ${stderr}`)), 60_000);
        child.once('exit', (code) => reject(new Error(`the packaged sandbox exited (${code}): ${stderr}`)));
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const parsed = JSON.parse(line) as { event?: string; otlp: string; otlpGrpc: string; clickhouse: string };
          if (parsed.event === 'ready') {
            clearTimeout(timer);
            resolve(parsed);
          }
        });
      });
      expect(ready.otlpGrpc).toMatch(/^127\.0\.0\.1:\d+$/);
      expect((await postOtlp(ready.otlp, jsonTraceRequest([{ service: 'packaged-app', name: 'ChatCompletion' }]))).status).toBe(200);
      const [row] = await selectRows<{ c: string | number }>(ready.clickhouse, "SELECT count() AS c FROM otel_traces WHERE ServiceName = 'packaged-app'");
      expect(Number(row!.c)).toBe(1);
      // The newest ClickStack table, from the DDL files packaged beside the entry.
      const [col] = await selectRows<{ c: string | number }>(ready.clickhouse, "SELECT count() AS c FROM system.columns WHERE table = 'otel_traces' AND name = 'SpanAttributeItems'");
      expect(Number(col!.c)).toBe(1);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('electron-builder configuration', () => {
  const config = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8')) as Record<string, unknown>;

  it('passes electron-builder’s own validation, with targets for macOS, Windows and Linux', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration(c: unknown, l: unknown): Promise<void> };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    // The validation is real: a wrong type is refused with the field named.
    await expect(validateConfiguration({ ...config, mac: { target: 42 } }, new DebugLogger(false))).rejects.toThrow(/configuration\.mac\.target/);
    const targets = (os: string) => ((config[os] as { target: { target: string; arch: string[] }[] }).target ?? []).map((t) => `${t.target}:${t.arch.join('+')}`);
    expect(targets('mac')).toEqual(['dmg:arm64+x64', 'zip:arm64+x64']);
    expect(targets('win')).toEqual(['nsis:x64']);
    expect(targets('linux')).toEqual(['AppImage:x64', 'deb:x64']);
  });

  it('points at icons the icon script made: icns, ico and the PNG sizes', () => {
    expect(readFileSync(join(root, 'build', 'icon.icns')).subarray(0, 4).toString('latin1')).toBe('icns');
    expect([...readFileSync(join(root, 'build', 'icon.ico')).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) {
      const png = readFileSync(join(root, 'build', 'icons', `${size}x${size}.png`));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)], `${size}x${size}.png`).toEqual([size, size]);
    }
  });
});

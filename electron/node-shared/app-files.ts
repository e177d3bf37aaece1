/**
 * Where the app's own files are, in a clone (run from source or from dist/) and in the packaged
 * app (Electron's resources/app.asar, with native code and the sandbox in app.asar.unpacked).
 * Every path the app opens at run time comes from here, so a layout that only holds in a clone
 * cannot creep in.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_NAME = 'clickstack-tray';

let cachedRoot: string | null = null;

/** The folder holding the app's package.json: the clone, or resources/app.asar when packaged. */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === PACKAGE_NAME) {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the ${PACKAGE_NAME} package folder.`);
    dir = parent;
  }
}

export function appVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The asar archive's twin folder, where electron-builder puts what asarUnpack names (native code, the sandbox). */
export function unpackedTwin(path: string): string {
  return path.replace(/([/\\\\])app\.asar([/\\\\]|$)/, '$1app.asar.unpacked$2');
}

export interface AppFiles {
  root: string;
  rendererDir: string;
  preload: string;
  assetsDir: string;
  /** The sandbox's self-contained entry point: a real file (unpacked when packaged), run with Node or Electron as Node. */
  sandboxEntry: string;
}

export function appFiles(root = projectRoot()): AppFiles {
  return {
    root,
    rendererDir: join(root, 'dist', 'renderer'),
    preload: join(root, 'dist', 'electron', 'preload.cjs'),
    assetsDir: join(root, 'assets'),
    sandboxEntry: unpackedTwin(join(root, 'dist', 'sandbox.mjs')),
  };
}

/** The DDL files beside the sandbox code: electron/sandbox/schema from source, dist/schema beside the bundle. */
export function schemaDir(moduleUrl: string): string {
  return join(dirname(fileURLToPath(moduleUrl)), 'schema');
}

/** Where chDB ships a native build (its @chdb/lib-* packages): elsewhere (Windows) the app runs without the sandbox. */
export const SANDBOX_PLATFORMS = ['darwin-arm64', 'darwin-x64', 'linux-x64', 'linux-arm64'] as const;

/** Why the local sandbox cannot run here, or null when it can. */
export function sandboxUnavailableReason(platform: NodeJS.Platform, arch: string): string | null {
  if ((SANDBOX_PLATFORMS as readonly string[]).includes(`${platform}-${arch}`)) return null;
  return `The local sandbox is not available on ${platform}-${arch}: its ClickHouse engine (chDB) has no build for it. Duplicate the profile and point it at your own ClickStack.`;
}

/** Serves the built renderer from one folder, and nothing outside it. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileInside } from '../node-shared/contained-path.js';
import type { ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export async function serveStatic(root: string, urlPath: string, res: ServerResponse): Promise<boolean> {
  const file = fileInside(root, urlPath);
  if (!file) return false;
  const info = await stat(file).catch(() => null);
  const target = info?.isFile() ? file : join(root, 'index.html'); // the SPA owns every other path
  const targetInfo = info?.isFile() ? info : await stat(target).catch(() => null);
  if (!targetInfo?.isFile()) return false;
  res.writeHead(200, {
    'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
    'content-length': targetInfo.size,
    'cache-control': target.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
  });
  createReadStream(target).pipe(res);
  return true;
}

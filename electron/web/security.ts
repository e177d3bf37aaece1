/** The web bridge's gatekeeping: loopback Host and Origin, and the per-launch token. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isLoopbackOrigin } from '../shared/loopback-host.js';

export const TOKEN_COOKIE = 'cst_token';
export const TOKEN_HEADER = 'x-clickstack-token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export { sameSecret as tokensEqual } from '../node-shared/secret-compare.js';

export { isLoopbackHost as isAllowedHost } from '../shared/loopback-host.js';

/** Browsers send Origin on cross-site requests; only our own origin may call the API. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true; // same-origin GETs and non-browser clients send none
  return isLoopbackOrigin(origin, port);
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The token may come as a header (CLI, tests) or as the cookie set when the printed URL was opened. */
export function presentedToken(req: IncomingMessage): string | undefined {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string') return header;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length);
  return readCookie(req, TOKEN_COOKIE);
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

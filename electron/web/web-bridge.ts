/**
 * Transport 2: the contract over HTTP (one POST per call) and Server-Sent Events,
 * on 127.0.0.1 only, behind a per-launch token. Used where there is no tray
 * (Linux servers, WSL) and by the browser tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ContractError, type ApiErrorBody } from '../shared/contract.js';
import type { TrayCore } from '../core/tray-core.js';
import {
  CONTENT_SECURITY_POLICY,
  TOKEN_COOKIE,
  isAllowedHost,
  isAllowedOrigin,
  newToken,
  presentedToken,
  tokensEqual,
} from './security.js';
import { serveStatic } from './static-files.js';
import { EventStreamHub } from './event-stream-hub.js';
import { logger } from '../core/log.js';
import { BodyError, readLimitedBody } from '../node-shared/request-body.js';

const log = logger('web');

export const MAX_CALL_BODY_BYTES = 1024 * 1024;

/**
 * The page a call or an event stream belongs to: a random id the page makes once per load and
 * sends as this header with every call and as `?page=` on its event stream. Live tails started
 * by a page stop when its event stream closes; calls without it own nothing.
 */
export const PAGE_HEADER = 'x-clickstack-page';
const PAGE_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** How long a page's tail waits for the page's event stream to open before it counts as abandoned. */
export const PAGE_ATTACH_GRACE_MS = 10_000;

function pageIdOf(value: string | string[] | null | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v && PAGE_ID.test(v) ? v : undefined;
}

const ownerOf = (pageId: string) => `page:${pageId}`;

export interface WebBridgeOptions {
  core: TrayCore;
  /** Folder with the built renderer (index.html). */
  staticDir: string;
  port?: number;
  token?: string;
  /** How long a page's tail waits for the page's event stream (PAGE_ATTACH_GRACE_MS; tests shorten it). */
  pageAttachGraceMs?: number;
}

export interface WebBridge {
  url: string;
  /** The URL to open: it carries the token once, then a cookie takes over. */
  launchUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function sendError(res: ServerResponse, status: number, code: ApiErrorBody['error']['code'], message: string): void {
  const body: ApiErrorBody = { error: { code, message } };
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function statusFor(error: ContractError): number {
  // 499 (a client's closed request, as proxies log it): a stopped call is not the app failing.
  return { bad_request: 400, unknown_method: 404, unauthorized: 401, forbidden: 403, unavailable: 503, cancelled: 499, internal: 500 }[error.code];
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    return await readLimitedBody(req, limit);
  } catch (error) {
    if (error instanceof BodyError) throw new ContractError('bad_request', `The request body is larger than ${limit} bytes.`);
    throw error;
  }
}

export async function startWebBridge(options: WebBridgeOptions): Promise<WebBridge> {
  const token = options.token ?? newToken();
  const hub = new EventStreamHub((pageId) => options.core.releaseOwner(ownerOf(pageId)));
  const graceTimers = new Set<NodeJS.Timeout>();
  /** A tail started by a page whose stream is not open (yet): it has a grace period to open one. */
  const watchAttach = (pageId: string) => {
    if (hub.hasPage(pageId)) return;
    const timer = setTimeout(() => {
      graceTimers.delete(timer);
      if (!hub.hasPage(pageId)) options.core.releaseOwner(ownerOf(pageId));
    }, options.pageAttachGraceMs ?? PAGE_ATTACH_GRACE_MS);
    timer.unref();
    graceTimers.add(timer);
  };
  const unsubscribe = options.core.onEvent((event, payload) => hub.broadcast(event, payload));
  let port = 0;

  const server: Server = createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    handle(req, res).catch((error: unknown) => {
      log.error('request failed', error);
      if (!res.headersSent) sendError(res, 500, 'internal', 'The request failed inside the app; see its log.');
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedHost(req.headers.host, port)) {
      return sendError(res, 403, 'forbidden', 'This server only answers requests addressed to 127.0.0.1 or localhost.');
    }
    if (!isAllowedOrigin(req.headers.origin, port)) {
      return sendError(res, 403, 'forbidden', 'Requests from other origins are refused.');
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);

    // Opening the printed URL trades the token in the query for an HttpOnly cookie and drops it from the address bar.
    const queryToken = url.searchParams.get('token');
    if (req.method === 'GET' && queryToken !== null && !url.pathname.startsWith('/api/')) {
      if (!tokensEqual(queryToken, token)) return sendError(res, 401, 'unauthorized', 'The token in this URL is not valid for this launch. Use the URL the app printed.');
      res.writeHead(303, {
        location: url.pathname,
        'set-cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'cache-control': 'no-store',
      });
      return void res.end();
    }

    const presented = presentedToken(req);
    if (!presented || !tokensEqual(presented, token)) {
      return sendError(res, 401, 'unauthorized', 'Missing or wrong token. Open the URL that `clickstack-tray web` printed.');
    }

    if (url.pathname.startsWith('/api/call/')) {
      if (req.method !== 'POST') return sendError(res, 405 as number, 'bad_request', 'Contract calls are POST requests.');
      // A cross-site HTML form cannot send application/json, so this also stops form posts.
      if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
        return sendError(res, 415, 'bad_request', 'Contract calls must be sent as application/json.');
      }
      const method = decodeURIComponent(url.pathname.slice('/api/call/'.length));
      let input: unknown;
      try {
        const body = await readBody(req, MAX_CALL_BODY_BYTES);
        input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch (error) {
        if (error instanceof ContractError) return sendError(res, 413, error.code, error.message);
        return sendError(res, 400, 'bad_request', 'The request body is not valid JSON.');
      }
      const pageId = pageIdOf(req.headers[PAGE_HEADER]);
      try {
        const result = await options.core.call(method, input, pageId === undefined ? undefined : ownerOf(pageId));
        if (method === 'tail.start' && pageId !== undefined) watchAttach(pageId);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        return void res.end(JSON.stringify({ result }));
      } catch (error) {
        if (error instanceof ContractError) return sendError(res, statusFor(error), error.code, error.message);
        const message = error instanceof Error ? error.message : String(error);
        return sendError(res, 500, 'internal', message);
      }
    }

    if (url.pathname === '/api/events') {
      if (req.method !== 'GET') return sendError(res, 405 as number, 'bad_request', 'The event stream is a GET request.');
      return hub.attach(req, res, pageIdOf(url.searchParams.get('page')));
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405 as number, 'bad_request', 'Only GET is served here.');
    if (!(await serveStatic(options.staticDir, url.pathname, res))) {
      sendError(res, 404, 'bad_request', 'The app has not been built: run `npm run build` first.');
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    launchUrl: `${base}/?token=${token}`,
    token,
    port,
    close: async () => {
      unsubscribe();
      for (const timer of graceTimers) clearTimeout(timer);
      hub.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

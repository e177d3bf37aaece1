/**
 * An HTTP proxy that holds each request for a settable time before passing it on: a slow
 * ClickHouse in front of a real sandbox, for the fault tests in vitest and in the browser.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DelayingProxy {
  url: string;
  /** How long each request waits before it is forwarded; read when the request arrives. */
  delayMs: number;
  /** Requests held or being forwarded right now. */
  readonly inFlight: number;
  close(): void;
}

export async function startDelayingProxy(upstreamUrl: string): Promise<DelayingProxy> {
  const upstream = new URL(upstreamUrl);
  let inFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    res.on('close', () => inFlight--);
    setTimeout(() => {
      const forward = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    }, proxy.delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const proxy: DelayingProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    delayMs: 0,
    get inFlight() {
      return inFlight;
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
  return proxy;
}

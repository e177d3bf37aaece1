/**
 * An HTTP proxy in front of a ClickHouse that writes down every request it passes on (when, and
 * the start of its SQL): to count what the app still asks ClickHouse once nobody looks.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface SeenRequest {
  at: number;
  /** The SQL's first 200 characters (the body, or the `query` parameter). */
  sql: string;
}

export interface CountingProxy {
  url: string;
  readonly seen: readonly SeenRequest[];
  /** Requests seen since `fromMs` whose SQL `keep` accepts. */
  since(fromMs: number, keep?: (sql: string) => boolean): SeenRequest[];
  close(): void;
}

export async function startCountingProxy(upstreamUrl: string): Promise<CountingProxy> {
  const upstream = new URL(upstreamUrl);
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let text: string;
      try {
        text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
      } catch {
        text = '(undecodable body)';
      }
      const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
      seen.push({ at: Date.now(), sql: `${query} ${text}`.trim().replace(/\s+/g, ' ').slice(0, 200) });
      const forward = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    since: (fromMs, keep = () => true) => seen.filter((s) => s.at >= fromMs && keep(s.sql)),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

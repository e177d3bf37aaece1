/**
 * Answers like the collector's health_check extension: GET / gives {"status":"Server available",...},
 * or 503 {"status":"Server not available"} — and, unlike the collector, that also when the sandbox
 * cannot store spans (a full disk), with `storage` saying why.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StorageState } from './storage-check.js';
import type { EngineOutcome, EngineProcess } from './engine.js';

/** The engine's process list, for GET /queries (ClickHouse's system.processes cannot answer while the one engine thread is busy). */
export interface ProcessList {
  list(): EngineProcess[];
  recent(): EngineOutcome[];
}

export class HealthServer {
  private server: Server | null = null;
  private readonly upSince = new Date();

  constructor(
    private readonly storage: (() => Promise<StorageState>) | null = null,
    private readonly processes: ProcessList | null = null,
  ) {}

  async listen(port = 0): Promise<number> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/queries' && req.method === 'GET' && this.processes) {
        const now = Date.now();
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ processes: this.processes.list().map((p) => ({ ...p, elapsedMs: now - p.sinceMs })), recent: this.processes.recent() }));
      }
      if (path !== '/' || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return void res.end('404 page not found\n');
      }
      const uptimeS = (Date.now() - this.upSince.getTime()) / 1000;
      const answer = (storage: StorageState | null) => {
        const body = { upSince: this.upSince.toISOString(), uptime: `${uptimeS.toFixed(3)}s` };
        if (storage && !storage.ok) {
          res.writeHead(503, { 'content-type': 'application/json' });
          return void res.end(JSON.stringify({ status: 'Server not available', ...body, storage: { ok: false, full: storage.full, detail: storage.detail } }));
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'Server available', ...body, ...(storage ? { storage: { ok: true, full: false, detail: storage.detail, ...(storage.damaged ? { damaged: storage.damaged } : {}) } } : {}) }));
      };
      if (!this.storage) return answer(null);
      this.storage().then(answer, (error: unknown) => answer({ ok: false, full: false, detail: `The storage check failed: ${error instanceof Error ? error.message : String(error)}` }));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

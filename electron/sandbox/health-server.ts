/** Answers like the collector's health_check extension: GET / gives {"status":"Server available",...}. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class HealthServer {
  private server: Server | null = null;
  private readonly upSince = new Date();

  async listen(port = 0): Promise<number> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== '/' || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return void res.end('404 page not found\n');
      }
      const uptimeS = (Date.now() - this.upSince.getTime()) / 1000;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'Server available', upSince: this.upSince.toISOString(), uptime: `${uptimeS.toFixed(3)}s` }));
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

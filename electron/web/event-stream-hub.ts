/** The web bridge's dispatcher: the only place that writes core events to browser pages (SSE). */
import type { IncomingMessage, ServerResponse } from 'node:http';

const KEEPALIVE_MS = 15_000;
/**
 * What one page may leave unread before it is dropped: a tab that stopped reading (asleep,
 * frozen, a debugger paused) must not hold the app's memory hostage during a flood. Its
 * EventSource reconnects by itself and the page starts its live views afresh.
 */
export const MAX_UNREAD_BYTES = 8 * 1024 * 1024;

export class EventStreamHub {
  private readonly clients = new Set<ServerResponse>();
  /** Open streams per page (the page id its EventSource names); a page is gone when its last one closes. */
  private readonly pages = new Map<string, number>();
  private readonly keepalive: NodeJS.Timeout;

  /** `onPageGone` hears when a page's last stream closed, whoever closed it (the page, the network, this hub). */
  constructor(private readonly onPageGone: (pageId: string) => void = () => {}) {
    this.keepalive = setInterval(() => {
      for (const res of this.clients) res.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    this.keepalive.unref();
  }

  attach(req: IncomingMessage, res: ServerResponse, pageId?: string): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    this.clients.add(res);
    if (pageId !== undefined) this.pages.set(pageId, (this.pages.get(pageId) ?? 0) + 1);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      this.clients.delete(res);
      if (pageId === undefined) return;
      const left = (this.pages.get(pageId) ?? 1) - 1;
      if (left > 0) return void this.pages.set(pageId, left);
      this.pages.delete(pageId);
      this.onPageGone(pageId);
    };
    req.on('close', close);
    res.on('close', close);
  }

  /** Whether `pageId` has an event stream open now. */
  hasPage(pageId: string): boolean {
    return this.pages.has(pageId);
  }

  get size(): number {
    return this.clients.size;
  }

  broadcast(event: string, payload: unknown): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const res of this.clients) {
      if (res.writableLength > MAX_UNREAD_BYTES) {
        this.clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(frame);
    }
  }

  closeAll(): void {
    clearInterval(this.keepalive);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}

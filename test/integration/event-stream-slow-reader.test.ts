/** A page that stops reading its event stream is dropped once it falls a bounded amount behind; a reading page gets every event. */
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStreamHub, MAX_UNREAD_BYTES } from '../../electron/web/event-stream-hub.js';

let server: Server;
let hub: EventStreamHub;
let port: number;

beforeAll(async () => {
  hub = new EventStreamHub();
  server = createServer((req, res) => hub.attach(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  hub.closeAll();
  server.closeAllConnections();
  server.close();
});

describe('event stream', () => {
  it('drops a client that never reads, keeps one that does, and lets go of the memory', async () => {
    // A raw socket that sends its request and then never reads: the kernel buffers fill, then ours.
    const stalled = connect(port, '127.0.0.1');
    stalled.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    stalled.pause();
    // A well-behaved page.
    let received = 0;
    const reader = connect(port, '127.0.0.1');
    reader.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    reader.on('data', (chunk: Buffer) => (received += chunk.toString().split('event: tail.batch').length - 1));
    await new Promise((r) => setTimeout(r, 200));
    expect(hub.size).toBe(2);

    const big = { spans: 'x'.repeat(256 * 1024) };
    const frames = Math.ceil((MAX_UNREAD_BYTES * 3) / (256 * 1024));
    for (let i = 0; i < frames; i++) {
      hub.broadcast('tail.batch', big);
      await new Promise((r) => setImmediate(r));
    }
    // The stalled page was dropped (its socket destroyed on our side); the reading one is still there.
    expect(hub.size).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toBe(frames);
    reader.destroy();
    stalled.destroy();
  }, 30_000);
});

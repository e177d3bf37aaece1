/**
 * A server that fails in the middle of an answer (status 200 already sent, then ClickHouse's
 * exception text in the body — what a checksum mismatch in a damaged part does) is reported as
 * that exception, never as a JSON parse error. A local server plays the remote ClickHouse here:
 * the sandbox computes whole answers before sending them, so it cannot fail mid-stream.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../electron/core/clickhouse/clickhouse-clients.js';
import { ClickHouseFailure } from '../../electron/core/clickhouse/clickhouse-failure.js';
import { z } from 'zod';

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'x-clickhouse-format': 'JSONCompact' });
    res.write('{\n\t"meta": [{"name": "n", "type": "UInt64"}],\n\t"data": [\n\t\t[1],\n');
    res.end('Code: 40. DB::Exception: Checksum doesn\'t match: corrupted data. Reference: 1a2b. (CHECKSUM_DOESNT_MATCH) (version 26.7.1.1)\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

describe('an exception in the middle of an answer', () => {
  it('is ClickHouse’s own message, with its code', async () => {
    const error = await queryRows({ url, user: 'default', password: '' }, { kind: 'search', sql: 'SELECT 1 AS n', row: z.unknown() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClickHouseFailure);
    expect((error as ClickHouseFailure).message).toBe("ClickHouse failed in the middle of its answer: Checksum doesn't match: corrupted data. Reference: 1a2b. (CHECKSUM_DOESNT_MATCH) (version 26.7.1.1)");
    expect((error as ClickHouseFailure).code).toBe('40');
    expect((error as Error).message).not.toMatch(/JSON/);
  });
});

/** One place that builds @clickhouse/client instances, so timeouts and formats agree everywhere. */
import { createClient, type ClickHouseClient } from '@clickhouse/client';

export interface ClickHouseTarget {
  url: string;
  username?: string;
  password?: string;
  database?: string;
  requestTimeoutMs?: number;
}

export function clickhouseClient(target: ClickHouseTarget): ClickHouseClient {
  return createClient({
    url: target.url,
    username: target.username ?? 'default',
    password: target.password ?? '',
    database: target.database ?? 'default',
    request_timeout: target.requestTimeoutMs ?? 10_000,
    application: 'clickstack-tray',
  });
}

/** 64-bit integers come back unquoted from modern servers and quoted from older ones. */
export function toSafeInteger(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : NaN;
  if (!Number.isFinite(n)) throw new Error(`expected an integer, got ${JSON.stringify(value)}`);
  return Math.trunc(n);
}

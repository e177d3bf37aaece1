/** Small helpers for talking to an OTLP/HTTP endpoint and reading otel_traces in tests. */
import { createClient } from '@clickhouse/client';
import { randomBytes } from 'node:crypto';

export const hexId = (bytes: 8 | 16) => randomBytes(bytes).toString('hex');

export function nowNanos(offsetMs = 0): string {
  return (BigInt(Date.now() + offsetMs) * 1_000_000n).toString();
}

export async function postOtlp(endpoint: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<{ status: number; text: string; json: () => unknown; headers: Headers }> {
  const response = await fetch(endpoint, { method: 'POST', body, headers });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as unknown, headers: response.headers };
}

/** One minimal valid span request with the given service and ids. */
export function jsonTraceRequest(spans: { traceId?: string; spanId?: string; name?: string; service?: string; startMs?: number; durationMs?: number }[]): string {
  const service = spans[0]?.service ?? 'cst-test';
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: 'cst-test-scope', version: '1.0' },
            spans: spans.map((s) => ({
              traceId: s.traceId ?? hexId(16),
              spanId: s.spanId ?? hexId(8),
              name: s.name ?? 'op',
              kind: 1,
              startTimeUnixNano: nowNanos(s.startMs ?? 0),
              endTimeUnixNano: nowNanos((s.startMs ?? 0) + (s.durationMs ?? 5)),
            })),
          },
        ],
      },
    ],
  });
}

export async function selectRows<T>(clickhouseUrl: string, query: string, params: Record<string, unknown> = {}, password = ''): Promise<T[]> {
  const client = createClient({ url: clickhouseUrl, password });
  try {
    const rs = await client.query({ query, query_params: params, format: 'JSONEachRow' });
    return (await rs.json()) as T[];
  } finally {
    await client.close();
  }
}

export async function countRows(clickhouseUrl: string, password = ''): Promise<number> {
  const [row] = await selectRows<{ c: unknown }>(clickhouseUrl, 'SELECT count() AS c FROM otel_traces', {}, password);
  return Number(row!.c);
}

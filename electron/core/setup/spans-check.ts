/** Setup step 5: has a span of the gateway's service reached otel_traces yet? */
import { ClickHouseError, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { z } from 'zod';
import { explainNetworkError } from './network-errors.js';
import { CHECK_TIMEOUT_MS } from './clickhouse-check.js';
import { failed, passed, type StepResult } from './step-result.js';

const NewestRow = z.object({ ts: z.string(), SpanName: z.string(), TraceId: z.string() });

/** How far back a first span counts; bounded so the query prunes partitions. */
export const FIRST_SPAN_LOOKBACK_HOURS = 24;

export async function checkGatewaySpans(p: { url: string; user: string; password: string; database: string; serviceName: string }): Promise<StepResult> {
  const started = Date.now();
  const client = createClient({ url: p.url, username: p.user, password: p.password, database: p.database, request_timeout: CHECK_TIMEOUT_MS, log: { level: ClickHouseLogLevel.OFF } });
  try {
    const rs = await client.query({
      query: `SELECT toString(Timestamp) AS ts, SpanName, TraceId FROM otel_traces
              WHERE ServiceName = {service:String} AND Timestamp >= now64(9) - toIntervalHour({hours:UInt32})
              ORDER BY Timestamp DESC LIMIT 1`,
      query_params: { service: p.serviceName, hours: FIRST_SPAN_LOOKBACK_HOURS },
      format: 'JSONEachRow',
    });
    const [row] = z.array(NewestRow).parse(await rs.json());
    if (!row) {
      return failed(
        'spans',
        `No span of service "${p.serviceName}" has arrived in ${p.database}.otel_traces in the last ${FIRST_SPAN_LOOKBACK_HOURS} h.`,
        'Send a request through the gateway. If nothing arrives, check the TrueFoundry OTEL settings above and the service name in this profile.',
        [],
        Date.now() - started,
      );
    }
    return passed(
      'spans',
      `Gateway spans are arriving: the newest is "${row.SpanName}" at ${row.ts} UTC.`,
      [
        { label: 'Trace', value: row.TraceId },
        { label: 'Service', value: p.serviceName },
      ],
      Date.now() - started,
    );
  } catch (error) {
    if (error instanceof ClickHouseError) {
      return failed('spans', `ClickHouse refused the query for the newest span (error ${error.code}, ${error.type ?? 'unknown'}).`, 'Run the ClickHouse step again: the table may have changed.', [], Date.now() - started);
    }
    const { cause, fix } = explainNetworkError(error, p.url, 'ClickHouse server');
    return failed('spans', cause, fix, [], Date.now() - started);
  } finally {
    await client.close();
  }
}

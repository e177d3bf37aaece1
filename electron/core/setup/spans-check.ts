/** Setup step 5: has a span of the gateway's service reached otel_traces yet? */
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import { ClickHouseFailure } from '../clickhouse/clickhouse-failure.js';
import { quoteName, TRACES_TABLE } from '../clickhouse/server.js';
import { failed, passed, type StepResult } from '../../shared/step-result.js';

const NewestRow = z.object({ ts: z.string(), SpanName: z.string(), TraceId: z.string() });

/** How far back a first span counts; bounded so the query prunes partitions. */
export const FIRST_SPAN_LOOKBACK_HOURS = 24;

export async function checkGatewaySpans(p: { url: string; user: string; password: string; database: string; serviceName: string }): Promise<StepResult> {
  const started = Date.now();
  try {
    const { rows } = await queryRows(p, {
      kind: 'check',
      database: p.database,
      sql: `SELECT toString(Timestamp) AS ts, SpanName, TraceId FROM ${quoteName(p.database)}.${quoteName(TRACES_TABLE)}
              WHERE ServiceName = {service:String} AND Timestamp >= now64(9) - toIntervalHour({hours:UInt32})
              ORDER BY Timestamp DESC LIMIT 1`,
      params: { service: p.serviceName, hours: FIRST_SPAN_LOOKBACK_HOURS },
      row: NewestRow,
    });
    const [row] = rows;
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
    if (!(error instanceof ClickHouseFailure)) throw error;
    if (error.code !== null && error.failure !== 'auth') {
      return failed('spans', `ClickHouse refused the query for the newest span: ${error.message}`, 'Run the ClickHouse step again: the table may have changed.', [], Date.now() - started);
    }
    return failed('spans', error.message, error.fix, [], Date.now() - started);
  }
}

/** Finds otel_traces wherever it lives and counts what is in it. */
import { z } from 'zod';
import { clickhouseClient, toSafeInteger, type ClickHouseTarget } from './clickhouse.js';

const TableRow = z.object({ database: z.string() });
const CountRow = z.object({ total: z.unknown(), last_hour: z.unknown(), newest: z.string().nullable() });

/** The collector writes to `default` unless configured otherwise; ClickHouse's guides use `otel`. Never assume. */
export async function findTracesDatabase(target: ClickHouseTarget): Promise<string | null> {
  const client = clickhouseClient(target);
  try {
    const rs = await client.query({
      query: `SELECT database FROM system.tables WHERE name = {table:String}
              ORDER BY database = 'default' DESC, database = 'otel' DESC, database LIMIT 1`,
      query_params: { table: 'otel_traces' },
      format: 'JSONEachRow',
    });
    const rows = z.array(TableRow).parse(await rs.json());
    return rows[0]?.database ?? null;
  } finally {
    await client.close();
  }
}

export async function countSpans(target: ClickHouseTarget): Promise<{ database: string; total: number; lastHour: number; newest: string | null }> {
  const database = await findTracesDatabase(target);
  if (!database) throw new Error('No otel_traces table was found in any database.');
  const client = clickhouseClient({ ...target, database });
  try {
    const rs = await client.query({
      query: `SELECT count() AS total,
                     countIf(Timestamp >= now64(9) - INTERVAL 1 HOUR) AS last_hour,
                     if(count() = 0, NULL, toString(max(Timestamp))) AS newest
              FROM otel_traces`,
      format: 'JSONEachRow',
    });
    const [row] = z.array(CountRow).length(1).parse(await rs.json());
    return { database, total: toSafeInteger(row!.total), lastHour: toSafeInteger(row!.last_hour), newest: row!.newest };
  } finally {
    await client.close();
  }
}

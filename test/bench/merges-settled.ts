/**
 * Waiting out the fill's background merges before measuring: a merge running beside a query takes
 * one of the two cores from it, and lands on whichever side of a comparison happens to run then.
 */
import { z } from 'zod';
import { queryRows } from '../../electron/core/clickhouse/clickhouse-clients.js';
import type { TracesLocation } from '../../electron/core/clickhouse/server.js';

/** Seconds until the table has had no merge running for two polls in a row (at most 120 s). */
export async function mergesSettled(location: TracesLocation): Promise<number> {
  const t0 = performance.now();
  let quiet = 0;
  while (quiet < 2 && performance.now() - t0 < 120_000) {
    const [r] = (await queryRows(location, { kind: 'search', sql: `SELECT count() AS n FROM system.merges WHERE table = {t:String}`, params: { t: location.table }, row: z.object({ n: z.union([z.number(), z.string()]).transform(Number) }) })).rows;
    quiet = r!.n === 0 ? quiet + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return Math.round((performance.now() - t0) / 1000);
}

/**
 * Live tail of gateway spans without re-reading the window on every poll.
 *
 * A span's Timestamp is its start and it is exported only when it ends, so rows arrive out
 * of order and up to the correctness horizon late. Instead of re-reading the last 15 minutes
 * (HyperDX's way), each poll reads only the parts written since the previous poll: every
 * insert creates a part whose name carries its block numbers, and a merged part keeps the
 * highest block number of its sources. Rows in parts with a max block above the cursor, and
 * with a Timestamp inside the horizon, are new or (in a freshly merged part) seen before;
 * a set of span ids from the horizon removes the repeats.
 */
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import type { TracesTable } from '../clickhouse/traces-table.js';
import { spanRowColumnsSql } from '../semantics/span-columns-sql.js';
import { toSpanRow, type SpanRow } from '../../shared/span-row.js';
import { SqlParams } from '../search/sql-params.js';
import { fromTable } from './trace-queries.js';

export const DEFAULT_HORIZON_MS = 15 * 60_000;
export const INITIAL_SPANS = 200;
/** Most rows one poll returns; a burst beyond it is read on the following polls. */
export const MAX_ROWS_PER_POLL = 50_000;

/** The highest block number in a part's name: partition_minBlock_maxBlock_level[_mutation] (date partition ids have no '_'). */
const PART_MAX_BLOCK = "toUInt64OrZero(splitByChar('_', _part)[3])";

export interface TailOptions {
  /** Extra WHERE fragment (already parameterized) and its parameters. */
  where?: string;
  params?: SqlParams;
  horizonMs?: number;
  now?: () => number;
}

export interface TailPoll {
  spans: SpanRow[];
  rowsRead: number;
}

export class SpanTail {
  private cursor: bigint | null = null;
  private readonly seen = new Map<string, bigint>();
  private readonly horizonMs: number;
  private readonly now: () => number;
  polls = 0;
  rowsRead = 0;

  constructor(
    private readonly table: TracesTable,
    private readonly options: TailOptions = {},
  ) {
    this.horizonMs = options.horizonMs ?? DEFAULT_HORIZON_MS;
    this.now = options.now ?? Date.now;
  }

  private async maxBlock(): Promise<bigint> {
    const { location } = this.table;
    const { rows } = await queryRows(location, {
      kind: 'tail',
      sql: 'SELECT toString(max(max_block_number)) AS b FROM system.parts WHERE database = {d:String} AND table = {t:String} AND active',
      params: { d: location.database, t: location.table },
      row: z.object({ b: z.string() }),
    });
    return BigInt(rows[0]?.b || '0');
  }

  private async select(extraWhere: string, params: SqlParams, order: string, limit: number): Promise<TailPoll> {
    const where = [`Timestamp >= fromUnixTimestamp64Milli(${params.add('UInt64', this.now() - this.horizonMs)})`, extraWhere, this.options.where].filter(Boolean).join(' AND ');
    const answer = await queryRows(this.table.location, {
      kind: 'tail',
      database: this.table.location.database,
      sql: `SELECT ${spanRowColumnsSql(this.table.layout)} FROM ${fromTable(this.table)} WHERE ${where} ORDER BY ${order} LIMIT ${limit}`,
      params: params.values,
      row: z.unknown(),
    });
    this.rowsRead += answer.rowsRead;
    return { spans: answer.rows.map(toSpanRow), rowsRead: answer.rowsRead };
  }

  private fresh(spans: SpanRow[]): SpanRow[] {
    const out: SpanRow[] = [];
    for (const s of spans) {
      const key = `${s.traceId}:${s.spanId}`;
      if (this.seen.has(key)) continue;
      this.seen.set(key, BigInt(s.tsNs));
      out.push(s);
    }
    // Forget spans that have left the horizon: no part can bring them back inside it.
    const floor = BigInt(this.now() - this.horizonMs - 60_000) * 1_000_000n;
    for (const [key, ts] of this.seen) if (ts < floor) this.seen.delete(key);
    return out;
  }

  /** The caller's filter parameters, in a copy per query that goes on numbering after them. */
  private withBaseParams(): SqlParams {
    return this.options.params?.clone() ?? new SqlParams();
  }

  /** The most recent spans, newest first; the cursor is taken before reading, so nothing falls between. */
  async start(): Promise<TailPoll> {
    this.cursor = await this.maxBlock();
    this.polls++;
    const result = await this.select('', this.withBaseParams(), 'Timestamp DESC', INITIAL_SPANS);
    return { spans: this.fresh(result.spans), rowsRead: result.rowsRead };
  }

  /** Spans written since the last poll, in the order they started. */
  async poll(): Promise<TailPoll> {
    if (this.cursor === null) return this.start();
    const upTo = await this.maxBlock();
    this.polls++;
    if (upTo <= this.cursor) return { spans: [], rowsRead: 0 };
    const params = this.withBaseParams();
    const partFilter = `${PART_MAX_BLOCK} > ${params.add('UInt64', this.cursor.toString())} AND ${PART_MAX_BLOCK} <= ${params.add('UInt64', upTo.toString())}`;
    const result = await this.select(partFilter, params, 'Timestamp', MAX_ROWS_PER_POLL);
    this.cursor = upTo;
    return { spans: this.fresh(result.spans), rowsRead: result.rowsRead };
  }

  /** Nothing to release: the connection belongs to the shared client pool. */
  async close(): Promise<void> {}
}

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
import { spanRowSelect } from '../semantics/span-row-select.js';
import type { SpanRow } from '../../shared/span-row.js';
import { SqlParams } from '../search/sql-params.js';
import { fromTable } from './trace-queries.js';
import { CoveredBlocks, partsToRead, type PartInfo } from './tail/covered-blocks.js';
import type { TailStrategyName } from './tail/tail-strategy.js';

export const DEFAULT_HORIZON_MS = 15 * 60_000;
export const INITIAL_SPANS = 200;
/**
 * Rows one query reads; a poll pages through everything new, page by page. Above ClickHouse's
 * lazy-materialization limit (10,000), which would read a small page's rows twice.
 */
export const PAGE_ROWS = 50_000;
/** Rows one poll goes through before it returns; the rest is read by the next poll, from where this one stopped. */
export const MAX_ROWS_PER_POLL = 200_000;
/** Spans remembered as delivered, besides the time bound (a flood cannot grow the session without end). */
export const MAX_SEEN = 500_000;
/** Spans in the horizon when the tail starts, remembered by hash so a merge cannot show them as new. */
export const MAX_BASELINE = 4_000_000;

/** The highest block number in a part's name: partition_minBlock_maxBlock_level[_mutation] (date partition ids have no '_'). */
const PART_MAX_BLOCK = "toUInt64OrZero(splitByChar('_', _part)[3])";

export interface TailOptions {
  /** Extra WHERE fragment (already parameterized) and its parameters. */
  where?: string;
  params?: SqlParams;
  horizonMs?: number;
  now?: () => number;
  /** PAGE_ROWS and MAX_ROWS_PER_POLL unless a test wants small ones. */
  pageRows?: number;
  maxRowsPerPoll?: number;
  /** How new rows are found; chosen from the table's engine (tail-strategy.ts). */
  strategy?: TailStrategyName;
}

export interface TailPoll {
  spans: SpanRow[];
  rowsRead: number;
  /** More new rows are waiting than one poll goes through: poll again at once. */
  more?: boolean;
}

/** What one poll reads: new blocks (MergeTree), parts not yet read (replicated tables), or the whole horizon. */
type Scope = { kind: 'blocks'; from: bigint; upTo: bigint } | { kind: 'parts'; parts: PartInfo[] } | { kind: 'window' };

const IdHash = z.object({ idHash: z.union([z.string(), z.number()]) });

/** Binary search in a sorted array of hashes. */
function hasHash(sorted: BigUint64Array, h: bigint): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === h) return true;
    if (v < h) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export class SpanTail {
  private cursor: bigint | null = null;
  private readonly seen = new Map<string, bigint>();
  /** Hashes of the spans that were in the horizon at start: never new, even when a merge re-reads them. */
  private baseline = new BigUint64Array(0);
  /** A poll that stopped before the end: what it was reading, and the last row it went through. */
  private pending: { scope: Scope; after: { tsNs: string; traceId: string; spanId: string } | null } | null = null;
  /** covered-blocks: the block ranges read, per partition. */
  private readonly covered = new CoveredBlocks();
  readonly strategy: TailStrategyName;
  private readonly horizonMs: number;
  private readonly now: () => number;
  polls = 0;
  rowsRead = 0;

  constructor(
    private readonly table: TracesTable,
    private readonly options: TailOptions = {},
  ) {
    this.horizonMs = options.horizonMs ?? DEFAULT_HORIZON_MS;
    this.strategy = options.strategy ?? 'block-cursor';
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

  /** The table's active parts (covered-blocks). */
  private async activeParts(): Promise<PartInfo[]> {
    const { location } = this.table;
    const { rows } = await queryRows(location, {
      kind: 'tail',
      sql: 'SELECT partition_id AS partition, toString(min_block_number) AS minBlock, toString(max_block_number) AS maxBlock, name FROM system.parts WHERE database = {d:String} AND table = {t:String} AND active',
      params: { d: location.database, t: location.table },
      row: z.object({ partition: z.string(), minBlock: z.string(), maxBlock: z.string(), name: z.string() }),
    });
    return rows.map((r) => ({ partition: r.partition, minBlock: Number(r.minBlock), maxBlock: Number(r.maxBlock), name: r.name }));
  }

  /** What the next poll reads, or null when nothing new can be there. */
  private async nextScope(): Promise<Scope | null> {
    if (this.strategy === 'time-window') return { kind: 'window' };
    if (this.strategy === 'covered-blocks') {
      // Partitions are days (ClickStack's toDate(Timestamp)): ranges of days before the horizon are never read again.
      this.covered.forgetPartitionsBefore(new Date(this.now() - this.horizonMs - 24 * 3600_000).toISOString().slice(0, 10).replaceAll('-', ''));
      const parts = partsToRead(await this.activeParts(), this.covered);
      return parts.length ? { kind: 'parts', parts } : null;
    }
    const upTo = await this.maxBlock();
    return upTo > this.cursor! ? { kind: 'blocks', from: this.cursor!, upTo } : null;
  }

  private scopeWhere(scope: Scope, params: SqlParams): string {
    switch (scope.kind) {
      case 'window':
        return '';
      case 'parts':
        return `_part IN ${params.add('Array(String)', scope.parts.map((p) => p.name))}`;
      case 'blocks':
        return `${PART_MAX_BLOCK} > ${params.add('UInt64', scope.from.toString())} AND ${PART_MAX_BLOCK} <= ${params.add('UInt64', scope.upTo.toString())}`;
    }
  }

  /**
   * A scope read to its end: the cursor moves, or the parts' ranges count as read — only the parts
   * still active now. A part merged away between the listing and the read was read as nothing
   * (`_part IN` no longer matches it); its rows are in the merged part, which must stay unread
   * (bench:tail lost two inserts, 600 spans, when two listed parts merged into one their ranges covered).
   */
  private async finish(scope: Scope): Promise<void> {
    if (scope.kind === 'blocks') this.cursor = scope.upTo;
    if (scope.kind !== 'parts') return;
    const active = new Set((await this.activeParts()).map((p) => p.name));
    for (const p of scope.parts) if (active.has(p.name)) this.covered.add(p);
  }

  private horizonWhere(params: SqlParams, extraWhere: string): string {
    return [`Timestamp >= fromUnixTimestamp64Milli(${params.add('UInt64', this.now() - this.horizonMs)})`, extraWhere, this.options.where].filter(Boolean).join(' AND ');
  }

  private async select(extraWhere: string, params: SqlParams, order: string, limit: number): Promise<{ spans: SpanRow[]; hashes: bigint[]; rowsRead: number }> {
    const row = spanRowSelect(this.table.layout);
    const answer = await queryRows(this.table.location, {
      kind: 'tail',
      database: this.table.location.database,
      sql: `SELECT ${row.sql}, toString(cityHash64(TraceId, SpanId)) AS idHash FROM ${fromTable(this.table)} WHERE ${this.horizonWhere(params, extraWhere)} ORDER BY ${order} LIMIT ${limit}`,
      params: params.values,
      row: z.unknown(),
    });
    this.rowsRead += answer.rowsRead;
    return { spans: answer.rows.map(row.parse), hashes: answer.rows.map((r) => BigInt(IdHash.parse(r).idHash)), rowsRead: answer.rowsRead };
  }

  /** The spans already in the horizon, as sorted hashes: what the tail must never call new. */
  private async loadBaseline(): Promise<void> {
    const params = this.withBaseParams();
    const answer = await queryRows(this.table.location, {
      kind: 'tail',
      database: this.table.location.database,
      sql: `SELECT toString(cityHash64(TraceId, SpanId)) AS idHash FROM ${fromTable(this.table)} WHERE ${this.horizonWhere(params, '')} LIMIT ${MAX_BASELINE}`,
      params: params.values,
      row: IdHash,
    });
    this.rowsRead += answer.rowsRead;
    this.baseline = BigUint64Array.from(answer.rows.map((r) => BigInt(r.idHash))).sort();
  }

  private fresh(spans: SpanRow[], hashes: bigint[]): SpanRow[] {
    const out: SpanRow[] = [];
    spans.forEach((s, i) => {
      const key = `${s.traceId}:${s.spanId}`;
      if (this.seen.has(key) || hasHash(this.baseline, hashes[i]!)) return;
      this.seen.set(key, BigInt(s.tsNs));
      out.push(s);
    });
    // Never more than MAX_SEEN (oldest delivered first): a flood cannot grow the session without end.
    for (const key of this.seen.keys()) {
      if (this.seen.size <= MAX_SEEN) break;
      this.seen.delete(key);
    }
    return out;
  }

  /** Forgets spans that have left the horizon: no part can bring them back inside it. Once per poll, not per page. */
  private forgetPastHorizon(): void {
    const floor = BigInt(this.now() - this.horizonMs - 60_000) * 1_000_000n;
    for (const [key, ts] of this.seen) if (ts < floor) this.seen.delete(key);
  }

  /** The caller's filter parameters, in a copy per query that goes on numbering after them. */
  private withBaseParams(): SqlParams {
    return this.options.params?.clone() ?? new SqlParams();
  }

  /**
   * The most recent spans, newest first. The cursor is taken before reading, so nothing falls
   * between; what the horizon holds now is remembered, so no merge can show it as new later.
   */
  async start(): Promise<TailPoll> {
    this.pending = null;
    this.polls++;
    if (this.strategy === 'block-cursor') this.cursor = await this.maxBlock();
    else this.cursor = 0n;
    // The parts there now are read already, as far as this session is concerned: the baseline holds their rows.
    if (this.strategy === 'covered-blocks') for (const p of await this.activeParts()) this.covered.add(p);
    await this.loadBaseline();
    const result = await this.select('', this.withBaseParams(), 'Timestamp DESC', INITIAL_SPANS);
    this.seen.clear();
    for (const s of result.spans) this.seen.set(`${s.traceId}:${s.spanId}`, BigInt(s.tsNs));
    return { spans: result.spans, rowsRead: result.rowsRead };
  }

  /**
   * Spans written since the last poll, in the order they started. It pages through everything
   * new (by start, trace and span id), skipping what was delivered or was there at start without
   * counting it against a page, and moves the cursor only once it has read to the end: a poll
   * that stops early (MAX_ROWS_PER_POLL) says `more`, and the next one goes on from the same row.
   */
  async poll(): Promise<TailPoll> {
    if (this.cursor === null) return this.start();
    const scope = this.pending?.scope ?? (await this.nextScope());
    this.polls++;
    this.forgetPastHorizon();
    if (!scope) return { spans: [], rowsRead: 0 };
    let after = this.pending?.after ?? null;
    const out: SpanRow[] = [];
    let rowsRead = 0;
    let scanned = 0;
    for (;;) {
      const params = this.withBaseParams();
      const keyset = after ? `(Timestamp, TraceId, SpanId) > (fromUnixTimestamp64Nano(toInt64(${params.add('UInt64', after.tsNs)})), ${params.add('String', after.traceId)}, ${params.add('String', after.spanId)})` : '';
      const pageRows = this.options.pageRows ?? PAGE_ROWS;
      const where = [this.scopeWhere(scope, params), keyset].filter(Boolean).join(' AND ');
      const page = await this.select(where, params, 'Timestamp, TraceId, SpanId', pageRows);
      rowsRead += page.rowsRead;
      scanned += page.spans.length;
      out.push(...this.fresh(page.spans, page.hashes));
      const last = page.spans.at(-1);
      if (page.spans.length < pageRows || !last) {
        await this.finish(scope);
        this.pending = null;
        return { spans: out, rowsRead };
      }
      after = { tsNs: last.tsNs, traceId: last.traceId, spanId: last.spanId };
      if (scanned >= (this.options.maxRowsPerPoll ?? MAX_ROWS_PER_POLL)) {
        this.pending = { scope, after };
        return { spans: out, rowsRead, more: true };
      }
    }
  }

  /** Nothing to release: the connection belongs to the shared client pool. */
  async close(): Promise<void> {}
}

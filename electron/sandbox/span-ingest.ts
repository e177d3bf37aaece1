/**
 * What both OTLP receivers (HTTP and gRPC) do with a decoded request: turn it into rows, store
 * them in one insert (a request spanning several days through the insert journal, whole), and
 * say what happened in transport-neutral terms each receiver maps onto its own status codes.
 * An outcome of `stored` means the rows are queryable.
 */
import type { Engine } from './engine.js';
import { GroupCommit } from './group-commit.js';
import type { InsertJournal } from './insert-journal.js';
import type { TraceRequest } from './otlp/model.js';
import { rowsToJsonEachRow, traceRequestToRows } from './otlp/span-rows.js';

/**
 * ClickHouse errors a retry of the same request cannot fix: too many partitions in one insert
 * (spans spread over more than 100 days), values the table cannot hold. Everything else (no
 * space, memory, timeouts, the engine restarting) may pass later.
 */
const PERMANENT_INSERT_CODES = new Set([252, 26, 27, 38, 53, 69, 70, 72, 117, 131, 321]);

export function isPermanentInsertError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'number' || !PERMANENT_INSERT_CODES.has(code)) return false;
  // 252 is also "too many parts, merges are slower than inserts": that one passes once merges catch up.
  return code !== 252 || /partitions for single INSERT block/i.test(error instanceof Error ? error.message : '');
}

/** How long a sender is asked to wait before retrying a request the engine could not take. */
export const RETRY_AFTER_SECONDS = 5;

export type IngestOutcome =
  | { kind: 'stored'; accepted: number; rejected: number; errorMessage: string }
  /** Can never be stored: the sender must not retry (HTTP 400, gRPC InvalidArgument). */
  | { kind: 'permanent'; message: string }
  /** Could not be stored now: the sender should retry (HTTP 503, gRPC Unavailable). */
  | { kind: 'retryable'; message: string };

export interface IngestStats {
  requests: number;
  acceptedSpans: number;
  rejectedSpans: number;
}

export interface LastInsert {
  at: number;
  ok: boolean;
  message: string;
}

export class SpanIngest {
  /** Concurrent requests, from either receiver, share inserts; each request's rows stay in one insert. */
  readonly commits: GroupCommit;
  readonly stats: IngestStats = { requests: 0, acceptedSpans: 0, rejectedSpans: 0 };
  /** The outcome of the last insert (the sandbox's health answer reads it). */
  lastInsert: LastInsert | null = null;

  constructor(
    engine: Engine,
    table: string,
    private readonly journal?: InsertJournal,
    private readonly layout: { jsonAttributes: boolean } = { jsonAttributes: false },
  ) {
    this.commits = new GroupCommit((payload) => engine.insertJsonEachRow(table, payload));
  }

  async store(request: TraceRequest): Promise<IngestOutcome> {
    this.stats.requests++;
    const { rows, attributes, rejected, firstProblem } = traceRequestToRows(request);
    if (rows.length > 0) {
      try {
        const payload = rowsToJsonEachRow(rows, this.layout.jsonAttributes ? { jsonAttributes: attributes } : {});
        // One day is one block, all or nothing: it may share an insert. Several days go through the journal, whole.
        const days = new Set(rows.map((r) => r.Timestamp.slice(0, 10)));
        if (days.size > 1 && this.journal) await this.journal.insertWhole(payload);
        else await this.commits.submit(payload);
        this.lastInsert = { at: Date.now(), ok: true, message: '' };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.lastInsert = { at: Date.now(), ok: false, message };
        if (isPermanentInsertError(error)) return { kind: 'permanent', message: `these spans cannot be stored: ${message}` };
        return { kind: 'retryable', message: `could not write spans to ClickHouse: ${message}` };
      }
    }
    this.stats.acceptedSpans += rows.length;
    this.stats.rejectedSpans += rejected;
    return { kind: 'stored', accepted: rows.length, rejected, errorMessage: rejected > 0 ? `${rejected} span(s) rejected: ${firstProblem}` : '' };
  }
}

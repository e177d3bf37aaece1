/**
 * Tail sessions and explorer queries for a profile: the one poll loop, retry rule and wording,
 * used by the app (both transports) and by the `tail` CLI alike. Emits tail batches; knows no windows.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { queryRows } from '../clickhouse/clickhouse-clients.js';
import { ClickHouseFailure } from '../clickhouse/clickhouse-failure.js';
import { chooseTailStrategy, type TailStrategy } from './tail/tail-strategy.js';
import { findTracesDatabases, describeTracesTable } from '../clickhouse/traces-table.js';
import { TRACES_TABLE, type TracesLocation } from '../clickhouse/server.js';
import { BadInputError } from '../errors.js';
import { logger } from '../log.js';
import type { CheckTarget } from '../setup/check-target.js';
import { explainNetworkError } from '../setup/network-errors.js';
import { TypedEmitter } from '../typed-emitter.js';
import type { SpanRow } from '../../shared/span-row.js';
import { prepareSearch, whereOf } from '../search/prepare-search.js';
import { SearchSyntaxError } from '../search/search-error.js';
import { SqlParams } from '../search/sql-params.js';
import { knownKeys } from '../search/attribute-keys.js';
import { SEARCH_HELP } from '../search/compile-search.js';
import { EXTENSIONS } from '../search/search-fields.js';
import { DEFAULT_HORIZON_MS, SpanTail } from './span-tail.js';
import { searchRequests, type PriceOf } from './request-queries.js';
import { trafficSummary } from './traffic-summary.js';
import { summaryPreview } from './summary-preview.js';
import { conversation } from './conversation-query.js';
import { getSpanPayload, type SearchInput } from './trace-queries.js';
import { getTraceColumns } from './trace-load.js';
import { searchSpans } from './span-search.js';
import { PROGRESS_EVERY_MS, RunningQueries } from '../clickhouse/running-queries.js';
import type { QueryProgress, RequestCursor } from '../../shared/trace-queries-schema.js';

export const TAIL_POLL_MS = 2_000;
export const MAX_TAIL_SESSIONS = 4;
/** Spans in one tail.batch event at most. */
export const MAX_SPANS_PER_EVENT = 5_000;
export const CONVERSATION_LOOKBACK_MS = 7 * 24 * 3600_000;
export const CONVERSATION_LOOKAHEAD_MS = 24 * 3600_000;

const log = logger('tail');

export interface TailBatch {
  sessionId: string;
  spans: SpanRow[];
  rowsRead: number;
}

export interface TailState {
  sessionId: string;
  live: boolean;
  detail: string;
}

interface Session {
  tail: SpanTail;
  timer: NodeJS.Timeout | null;
  stopped: boolean;
  /** The last poll failed (reported once, until a poll succeeds again). */
  failing: boolean;
}

/** Why a tail poll failed, and that it keeps trying: the page and the CLI say the same. */
export function tailTrouble(error: unknown, clickhouseUrl: string): string {
  const cause = error instanceof Error && error.name === 'ClickHouseFailure' ? error.message : explainNetworkError(error, clickhouseUrl, 'ClickHouse').cause;
  return `ClickHouse did not answer the tail: ${cause} Retrying every ${TAIL_POLL_MS / 1000} s.`.slice(0, 500);
}

/** Whether this user may list the table's parts (the block strategies need system.parts). */
async function canReadParts(l: TracesLocation): Promise<boolean> {
  try {
    await queryRows(l, { kind: 'tail', sql: 'SELECT count() AS n FROM system.parts WHERE database = {d:String} AND table = {t:String}', params: { d: l.database, t: l.table }, row: z.object({ n: z.union([z.number(), z.string()]) }) });
    return true;
  } catch (error) {
    if (error instanceof ClickHouseFailure && error.failure === 'no-access') return false;
    throw error;
  }
}

/** A search error points at the place in the query, never at a stack. */
function userError(error: unknown): never {
  if (error instanceof SearchSyntaxError) throw new BadInputError(`Search: ${error.message} (at character ${error.position + 1})`, { cause: error });
  throw error;
}

export type TargetResolver = (profileId: string) => Promise<CheckTarget>;

export class TraceService {
  private readonly sessions = new Map<string, Session>();
  private readonly emitter = new TypedEmitter<{ batch: TailBatch; state: TailState; progress: z.infer<typeof QueryProgress> }>();
  /** The explorer's calls a person may follow and stop (queries with a queryId). */
  private readonly queries = new RunningQueries(
    async (server, sql, params, quick) => (await queryRows(server, { kind: 'probe', sql, params, row: z.record(z.string(), z.unknown()), ...(quick ? { timeoutMs: PROGRESS_EVERY_MS * 2 } : {}) })).rows,
    (p) => this.emitter.emit('progress', p),
  );

  constructor(
    private readonly resolve: TargetResolver,
    private readonly onDatabase: (profileId: string, db: string) => void,
    /** Prices for estimated costs (the catalog, with the user's overrides); none by default. */
    private readonly priceOf: PriceOf = () => null,
  ) {}

  onBatch(listener: (b: TailBatch) => void): () => void {
    return this.emitter.on('batch', listener);
  }

  onState(listener: (s: TailState) => void): () => void {
    return this.emitter.on('state', listener);
  }

  /** A running call's progress (rows and bytes read so far), every half second after its first second. */
  onProgress(listener: (p: z.infer<typeof QueryProgress>) => void): () => void {
    return this.emitter.on('progress', listener);
  }

  /** Stops a call started with this queryId, here and on the server. */
  cancel(queryId: string): Promise<{ cancelled: boolean; detail: string }> {
    return this.queries.cancel(queryId);
  }

  /** The profile's traces table, finding its database first when the profile does not know it yet. */
  async target(profileId: string): Promise<TracesLocation & { serviceName: string }> {
    const t = await this.resolve(profileId);
    const server = { url: t.clickhouseUrl, user: t.clickhouseUser, password: t.password };
    let database = t.database;
    if (!database) {
      const [found] = await findTracesDatabases(server);
      if (!found) throw new BadInputError(`Signed in as ${t.clickhouseUser}, but no database on this server has an otel_traces table.`);
      database = found;
      this.onDatabase(profileId, database);
    }
    return { ...server, database, table: TRACES_TABLE, serviceName: t.serviceName };
  }

  async startTail(profileId: string, query: string, allServices: boolean): Promise<{ sessionId: string; spans: SpanRow[]; strategy: TailStrategy }> {
    const target = await this.target(profileId);
    const table = await describeTracesTable(target);
    const params = new SqlParams();
    const parts: string[] = [];
    if (!allServices) parts.push(`ServiceName = ${params.add('String', target.serviceName)}`);
    try {
      const now = Date.now();
      const search = whereOf(await prepareSearch(query, table, { fromMs: now - DEFAULT_HORIZON_MS, toMs: now }), params);
      if (search) parts.push(search);
    } catch (error) {
      userError(error);
    }
    const strategy = chooseTailStrategy(table.engine, await canReadParts(target), DEFAULT_HORIZON_MS / 60_000);
    const tail = new SpanTail(table, { where: parts.join(' AND ') || undefined, params, strategy: strategy.name });
    const first = await tail.start();
    while (this.sessions.size >= MAX_TAIL_SESSIONS) this.stopTail(this.sessions.keys().next().value!);
    const sessionId = randomUUID();
    const session: Session = { tail, timer: null, stopped: false, failing: false };
    this.sessions.set(sessionId, session);
    const loop = (delayMs = TAIL_POLL_MS) => {
      session.timer = setTimeout(() => {
        tail.poll().then(
          (r) => {
            if (session.stopped) return;
            if (session.failing) {
              session.failing = false;
              this.emitter.emit('state', { sessionId, live: true, detail: 'Reading from ClickHouse again; nothing written meanwhile is missed.' });
            }
            // A big poll goes out in several events, so no single message freezes the page.
            for (let i = 0; i < r.spans.length; i += MAX_SPANS_PER_EVENT) this.emitter.emit('batch', { sessionId, spans: r.spans.slice(i, i + MAX_SPANS_PER_EVENT), rowsRead: i === 0 ? r.rowsRead : 0 });
            // More is waiting than one poll reads: go on at once instead of after the interval.
            loop(r.more ? 0 : TAIL_POLL_MS);
          },
          (error: unknown) => {
            if (session.stopped) return;
            // The cursor only moves on success, so the spans written meanwhile come with the next good poll.
            if (!session.failing) {
              const why = tailTrouble(error, target.url);
              log.warn(why);
              this.emitter.emit('state', { sessionId, live: false, detail: why });
            }
            session.failing = true;
            loop();
          },
        );
      }, delayMs);
    };
    loop();
    return { sessionId, spans: first.spans, strategy };
  }

  stopTail(sessionId: string): boolean {
    const s = this.sessions.get(sessionId);
    if (!s) return false;
    s.stopped = true;
    if (s.timer) clearTimeout(s.timer);
    void s.tail.close();
    this.sessions.delete(sessionId);
    return true;
  }

  stopAll(): void {
    for (const id of [...this.sessions.keys()]) this.stopTail(id);
  }

  async search(profileId: string, { queryId, ...input }: Omit<z.input<typeof SearchInput>, 'service'> & { queryId?: string }, allServices = false) {
    const target = await this.target(profileId);
    return this.queries.run(queryId, () => searchSpans(target, { ...input, service: allServices ? null : target.serviceName })).catch(userError);
  }

  async trace(profileId: string, traceId: string, aroundMs?: number) {
    return getTraceColumns(await this.target(profileId), traceId, aroundMs);
  }

  async requests(profileId: string, { queryId, ...input }: { query: string; fromMs: number; toMs: number; limit: number; language?: 'lucene' | 'sql'; before?: z.infer<typeof RequestCursor>; queryId?: string }, allServices = false) {
    const target = await this.target(profileId);
    return this.queries.run(queryId, () => searchRequests(target, { ...input, service: allServices ? null : target.serviceName }, this.priceOf)).catch(userError);
  }

  /** Columns, short fields and attribute keys seen lately, for autocomplete; and the syntax help. */
  async fields(profileId: string) {
    const target = await this.target(profileId);
    const table = await describeTracesTable(target);
    const keys = await knownKeys(target, table.layout);
    return {
      columns: Object.keys(table.layout.columns).filter((c) => !c.startsWith('__')).sort(),
      shortFields: [...EXTENSIONS],
      spanKeys: keys.span,
      resourceKeys: keys.resource,
      help: SEARCH_HELP.map(([syntax, meaning]) => [syntax, meaning] as [string, string]),
    };
  }

  async summary(profileId: string, q: { fromMs: number; toMs: number; query?: string; language?: 'lucene' | 'sql'; preview?: boolean; queryId?: string }, allServices = false) {
    const target = await this.target(profileId);
    const search = { query: q.query ?? '', language: q.language ?? 'lucene' } as const;
    const service = allServices ? null : target.serviceName;
    const summarise = q.preview ? summaryPreview : trafficSummary;
    return this.queries.run(q.queryId, () => summarise(target, q.fromMs, q.toMs, service, this.priceOf, search)).catch(userError);
  }

  /** A conversation can run for days: by default the week before the request the user opened it from. */
  async conversation(profileId: string, conversationId: string, aroundMs = Date.now()) {
    return conversation(await this.target(profileId), conversationId, aroundMs - CONVERSATION_LOOKBACK_MS, aroundMs + CONVERSATION_LOOKAHEAD_MS, this.priceOf);
  }

  async payload(profileId: string, traceId: string, spanId: string, aroundMs?: number) {
    return getSpanPayload(await this.target(profileId), traceId, spanId, aroundMs);
  }
}

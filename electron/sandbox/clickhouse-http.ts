/**
 * The part of ClickHouse's HTTP interface that @clickhouse/client (and curl users)
 * rely on, in front of the sandbox engine: /ping, query in URL or body, database,
 * default_format / FORMAT, param_*, query_id, settings, gzip both ways, user and
 * password by header or Basic auth, ClickHouse-style errors, X-ClickHouse-Summary.
 * Anything else is refused with a clear error rather than answered wrongly.
 */
import { randomUUID } from 'node:crypto';
import { sameSecret } from '../node-shared/secret-compare.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, EngineError, sqlString, type EngineResult } from './engine.js';
import { BodyError, decodeContentEncoding, readLimitedBody } from '../node-shared/request-body.js';
import { CompressedBlockError, readCompressedBlocks, writeCompressedBlocks } from './compressed-blocks.js';
import { NativeFormatError, nativeForClientRevision } from './native-output.js';
import { bindParameters } from './query-params.js';
import { ReadOnlyProfile } from './read-only-profile.js';
import { browserOrForeignRequest, reachesOutside } from './request-guard.js';

export const MAX_QUERY_BODY_BYTES = 256 * 1024 * 1024;

/** Parameters ClickHouse's HTTP handler consumes itself; everything else is a setting. */
const HTTP_ONLY_PARAMS = new Set([
  'query',
  'database',
  'default_format',
  'query_id',
  'user',
  'password',
  'quota_key',
  'enable_http_compression',
  'http_zlib_compression_level',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'wait_end_of_query',
  'buffer_size',
  'http_response_buffer_size',
  'add_http_cors_header',
  'client_protocol_version',
  'cancel_http_readonly_queries_on_client_close',
  'compress',
  'decompress',
]);
/** Refused: they need features this sandbox does not have. */
const UNSUPPORTED_PARAMS: Record<string, string> = {
  session_id: 'HTTP sessions (session_id) are not supported by the sandbox; every request is its own session.',
  session_timeout: 'HTTP sessions (session_timeout) are not supported by the sandbox.',
  session_check: 'HTTP sessions (session_check) are not supported by the sandbox.',
  role: 'Roles are not supported by the sandbox; it has only the user "default".',
};

const MODIFYING = /^\s*(INSERT|CREATE|DROP|ALTER|TRUNCATE|RENAME|OPTIMIZE|SYSTEM|KILL|DETACH|ATTACH|GRANT|REVOKE|DELETE|UPDATE|EXCHANGE|UNDROP|SET|USE)\b/i;

/** ClickHouse maps some error codes to HTTP statuses (HTTPHandler's exceptionCodeToHTTPStatus). */
function httpStatusFor(code: number): number {
  if ([192, 193, 194, 516].includes(code)) return 401; // UNKNOWN_USER, WRONG_PASSWORD, REQUIRED_PASSWORD, AUTHENTICATION_FAILED
  if ([497, 164].includes(code)) return 403; // ACCESS_DENIED, READONLY
  if ([46, 47, 50, 56, 60, 63, 73, 81, 115].includes(code)) return 404; // UNKNOWN_*
  if ([6, 25, 26, 27, 32, 33, 36, 38, 41, 53, 62, 72, 117, 130, 131, 456, 457].includes(code)) return 400; // parse/argument errors
  return 500;
}

function contentTypeFor(format: string): string {
  const f = format.toLowerCase();
  if (f.startsWith('json')) return 'application/json; charset=UTF-8';
  if (f.startsWith('tabseparated') || f.startsWith('tsv')) return 'text/tab-separated-values; charset=UTF-8';
  if (f.startsWith('csv')) return 'text/csv; charset=UTF-8; header=absent';
  if (['native', 'rowbinary', 'parquet', 'arrow', 'arrowstream', 'orc', 'avro'].some((b) => f.startsWith(b))) return 'application/octet-stream';
  return 'text/plain; charset=UTF-8';
}

/** The FORMAT a SELECT names at its end, which wins over default_format as in ClickHouse. */
function trailingFormat(sql: string): string | null {
  const m = /\bFORMAT\s+([A-Za-z][A-Za-z0-9]*)\s*;?\s*$/i.exec(sql);
  return m ? m[1]! : null;
}

/** An insert whose data is a Native block in the body (clickhouse-go's batches): `INSERT INTO t (cols) FORMAT Native`. */
const NATIVE_INSERT = /^\s*INSERT\s+INTO\s+([\s\S]+?)\s+FORMAT\s+Native\s*;?\s*$/i;

/**
 * KILL QUERY in the forms a client uses for its own queries: by query_id, or by a query_id prefix
 * (the app names each call's queries `<id>:<n>`), either spelled out or as a {name:String}
 * parameter. The sandbox answers it itself: the engine runs one statement at a time, so a KILL sent
 * to it would wait behind the very statement it is meant to stop.
 */
const KILL_QUERY = /^\s*KILL\s+QUERY\s+WHERE\s+(?:query_id\s*=\s*(?<eq>'(?:[^'\\]|\\.)*'|\{[A-Za-z_]\w*:String\})|startsWith\s*\(\s*query_id\s*,\s*(?<prefix>'(?:[^'\\]|\\.)*'|\{[A-Za-z_]\w*:String\})\s*\))\s*(?:SYNC|ASYNC|TEST)?\s*(?:FORMAT\s+(?<format>\w+))?\s*;?\s*$/i;

function killValue(token: string, rawParams: Record<string, string>): string {
  if (token.startsWith('{')) {
    const name = token.slice(1, token.indexOf(':'));
    const value = rawParams[name];
    if (value === undefined) throw new EngineError(456, 'UNKNOWN_QUERY_PARAMETER', `Code: 456. DB::Exception: Substitution \`${name}\` is not set. (UNKNOWN_QUERY_PARAMETER)`);
    return value;
  }
  return token.slice(1, -1).replace(/\\(.)/g, '$1');
}

const STATISTICS_RE = /"statistics":\s*\{\s*"elapsed":\s*[\d.e+-]+,\s*"rows_read":\s*(\d+),\s*"bytes_read":\s*(\d+)/;

/**
 * chdb reports result rows, not rows read, so read_rows/read_bytes come from the
 * statistics block that JSON-family formats carry (@clickhouse/client's default format
 * is JSON). For other formats they are left out rather than reported wrongly.
 */
function summaryOf(result: EngineResult, format: string, elapsedNs: bigint): Record<string, string> {
  const summary: Record<string, string> = {
    result_rows: String(result.rowsRead),
    result_bytes: String(result.data.length),
    elapsed_ns: String(elapsedNs),
  };
  if (/^JSON(Compact)?(Strings)?$/i.test(format)) {
    const tail = result.data.subarray(Math.max(0, result.data.length - 300)).toString('utf8');
    const m = STATISTICS_RE.exec(tail);
    if (m) {
      summary.read_rows = m[1]!;
      summary.read_bytes = m[2]!;
      summary.total_rows_to_read = m[1]!;
    }
  }
  return summary;
}

export interface ClickHouseHttpOptions {
  engine: Engine;
  port?: number;
  /** The password of the user `default`; '' accepts any request without a password, as stock ClickHouse does. */
  password?: string;
  /** A second user with ClickHouse's readonly = 1 profile (read-only-profile.ts), as a viewing account is set up. */
  readOnlyUser?: { user: string; password: string };
  /** Told of every engine error (the storage check notes damaged data found at query time). */
  onEngineError?: (code: number, message: string) => void;
}

interface Credentials {
  user: string;
  password: string;
}

function credentialsOf(req: IncomingMessage, url: URL): Credentials {
  const headerUser = req.headers['x-clickhouse-user'];
  const headerKey = req.headers['x-clickhouse-key'];
  if (typeof headerUser === 'string' || typeof headerKey === 'string') {
    return { user: typeof headerUser === 'string' ? headerUser : 'default', password: typeof headerKey === 'string' ? headerKey : '' };
  }
  const auth = req.headers.authorization;
  if (auth?.startsWith('Basic ')) {
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? { user: decoded, password: '' } : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return { user: url.searchParams.get('user') ?? 'default', password: url.searchParams.get('password') ?? '' };
}


function clickHouseError(code: number, name: string, message: string): EngineError {
  return new EngineError(code, name, `Code: ${code}. DB::Exception: ${message}. (${name})`);
}

const accessDenied = (why: string) => clickHouseError(497, 'ACCESS_DENIED', why);

/** Every failure as ClickHouse reports one: its code, its name and its text. */
function asEngineError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  if (error instanceof BodyError) return error.status === 413 ? clickHouseError(1003, 'TOO_LARGE_REQUEST_BODY', error.message) : clickHouseError(27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', error.message);
  if (error instanceof CompressedBlockError) return clickHouseError(error.code, error.codeName, error.message);
  if (error instanceof NativeFormatError) return clickHouseError(48, 'NOT_IMPLEMENTED', error.message);
  return new EngineError(1001, 'STD_EXCEPTION', `Code: 1001. DB::Exception: ${error instanceof Error ? error.message : String(error)} (STD_EXCEPTION)`);
}

function settingsOf(url: URL): { settings: [string, string][]; rawParams: Record<string, string> } {
  const settings: [string, string][] = [];
  const rawParams: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (name.startsWith('param_')) rawParams[name.slice(6)] = value;
    else if (!HTTP_ONLY_PARAMS.has(name) && !(name in UNSUPPORTED_PARAMS)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new EngineError(115, 'UNKNOWN_SETTING', `Code: 115. DB::Exception: Unknown setting '${name.slice(0, 100)}'. (UNKNOWN_SETTING)`);
      }
      settings.push([name, value]);
    }
  }
  return { settings, rawParams };
}

export class ClickHouseHttpServer {
  private server: Server | null = null;
  private version = '0.0.0';
  private readonly readOnlyProfile: ReadOnlyProfile;
  /** The read-only user's statements in flight: the ones its KILL QUERY may stop. */
  private readonly readOnlyQueries = new Set<string>();

  constructor(private readonly options: ClickHouseHttpOptions) {
    this.readOnlyProfile = new ReadOnlyProfile(options.engine);
  }

  async listen(): Promise<number> {
    this.version = await this.options.engine.version;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.sendError(res, error, randomUUID()));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private sendError(res: ServerResponse, error: unknown, queryId: string): void {
    const engineError = asEngineError(error);
    this.options.onEngineError?.(engineError.code, engineError.message);
    if (res.headersSent) return void res.end();
    const status = error instanceof BodyError && error.status === 413 ? 413 : httpStatusFor(engineError.code);
    res.writeHead(status, {
      'content-type': 'text/plain; charset=UTF-8',
      'x-clickhouse-exception-code': String(engineError.code),
      'x-clickhouse-query-id': queryId,
      'x-clickhouse-server-display-name': 'clickstack-tray-sandbox',
    });
    res.end(`${engineError.message} (version ${this.version})\n`);
  }

  /**
   * A Native block from the body, inserted in one statement. chdb's insert API takes text
   * formats only, so the block goes through a private temp file that ClickHouse reads itself.
   */
  private async insertNative(req: IncomingMessage, res: ServerResponse, url: URL, queryId: string, target: string, block: Buffer): Promise<void> {
    if (req.method !== 'POST') throw new EngineError(164, 'READONLY', 'Code: 164. DB::Exception: Inserts need POST. (READONLY)');
    const { settings } = settingsOf(url);
    const dir = await mkdtemp(join(tmpdir(), 'cst-native-'));
    try {
      const file = join(dir, 'block.native');
      await writeFile(file, block, { mode: 0o600 });
      const started = process.hrtime.bigint();
      await this.options.engine.query({
        sql: `INSERT INTO ${target} SELECT * FROM file(${sqlString(file)}, 'Native')`,
        format: 'TabSeparated',
        database: url.searchParams.get('database') ?? undefined,
        settings: settings.filter(([name]) => name !== 'async_insert'),
      });
      res.writeHead(200, {
        'content-type': 'text/plain; charset=UTF-8',
        'x-clickhouse-query-id': queryId,
        'x-clickhouse-timezone': 'UTC',
        'x-clickhouse-server-display-name': 'clickstack-tray-sandbox',
        'x-clickhouse-summary': JSON.stringify({ written_bytes: String(block.length), elapsed_ns: String(process.hrtime.bigint() - started) }),
      });
      res.end();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** KILL QUERY's answer, a row per matching statement with ClickHouse's kill_status ('finished' once dropped, 'cant_cancel' when running). */
  private killQuery(res: ServerResponse, queryId: string, groups: Record<string, string | undefined>, rawParams: Record<string, string>, defaultFormat: string, readOnly: boolean): void {
    const exact = groups.eq ? killValue(groups.eq, rawParams) : null;
    const prefix = groups.prefix ? killValue(groups.prefix, rawParams) : null;
    const user = readOnly ? this.options.readOnlyUser!.user : 'default';
    // Any user may kill its own queries; only the full user others' (ClickHouse's KILL QUERY grant).
    const mine = (id: string) => !readOnly || this.readOnlyQueries.has(id);
    const rows = this.options.engine.kill((id) => mine(id) && (exact !== null ? id === exact : id.startsWith(prefix ?? '\u0000'))).map((k) => ({ kill_status: k.status, query_id: k.queryId, user, query: k.query }));
    const format = groups.format ?? defaultFormat;
    const columns = ['kill_status', 'query_id', 'user', 'query'] as const;
    const meta = columns.map((name) => ({ name, type: 'String' }));
    const statistics = { elapsed: 0, rows_read: 0, bytes_read: 0 };
    // The app's own client asks every answer as JSONCompact; a format not handled here is answered as TabSeparated.
    const body = /^JSON$/i.test(format)
      ? JSON.stringify({ meta, data: rows, rows: rows.length, statistics })
      : /^JSONCompact$/i.test(format)
        ? JSON.stringify({ meta, data: rows.map((r) => columns.map((c) => r[c])), rows: rows.length, statistics })
      : /^JSONEachRow$/i.test(format)
        ? rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '')
        : rows.map((r) => [r.kill_status, r.query_id, r.user, r.query.replace(/[\t\n\\]/g, ' ')].join('\t')).join('\n') + (rows.length ? '\n' : '');
    res.writeHead(200, { 'content-type': contentTypeFor(format), 'x-clickhouse-query-id': queryId, 'x-clickhouse-format': format, 'x-clickhouse-server-display-name': 'clickstack-tray-sandbox' });
    res.end(body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const queryId = url.searchParams.get('query_id') || randomUUID();
    const refused = browserOrForeignRequest(req);
    if (refused) throw accessDenied(refused);

    if (url.pathname === '/ping' || (url.pathname === '/' && req.method === 'GET' && !url.searchParams.has('query'))) {
      res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8' });
      return void res.end('Ok.\n');
    }
    if (url.pathname !== '/') {
      throw new EngineError(1004, 'NOT_FOUND', `Code: 1004. DB::Exception: There is no handler ${url.pathname} in the sandbox; use / or /ping. (NOT_FOUND)`);
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      throw new EngineError(1005, 'BAD_REQUEST', `Code: 1005. DB::Exception: HTTP method ${req.method} is not supported; use GET or POST. (BAD_REQUEST)`);
    }

    const { user, password } = credentialsOf(req, url);
    const expected = this.options.password ?? '';
    const readOnlyUser = this.options.readOnlyUser;
    const readOnly = readOnlyUser !== undefined && user === readOnlyUser.user && sameSecret(password, readOnlyUser.password);
    if (!readOnly && (user !== 'default' || !sameSecret(password, expected))) {
      throw new EngineError(516, 'AUTHENTICATION_FAILED', `Code: 516. DB::Exception: ${user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)`);
    }

    for (const [name, why] of Object.entries(UNSUPPORTED_PARAMS)) {
      if (url.searchParams.has(name)) {
        throw new EngineError(48, 'NOT_IMPLEMENTED', `Code: 48. DB::Exception: ${why} (NOT_IMPLEMENTED)`);
      }
    }

    const raw = req.method === 'POST' ? await readLimitedBody(req, MAX_QUERY_BODY_BYTES) : Buffer.alloc(0);
    const httpBody = decodeContentEncoding(raw, req.headers['content-encoding'], MAX_QUERY_BODY_BYTES);
    // decompress=1: the body is ClickHouse compressed blocks (inside any HTTP Content-Encoding).
    const body = url.searchParams.get('decompress') === '1' ? readCompressedBlocks(httpBody, MAX_QUERY_BODY_BYTES) : httpBody;
    const urlQuery = url.searchParams.get('query');
    const nativeInsert = urlQuery !== null && body.length > 0 ? NATIVE_INSERT.exec(urlQuery) : null;
    // A Native insert's statement is the URL's query alone: its body is a binary block.
    const sql = nativeInsert ? urlQuery! : urlQuery !== null ? (body.length ? `${urlQuery}\n${body.toString('utf8')}` : urlQuery) : body.toString('utf8');
    const outside = reachesOutside(sql);
    if (outside) throw accessDenied(outside);
    const notAllowed = readOnly ? await this.readOnlyProfile.refusal(sql, url) : null;
    if (notAllowed) throw notAllowed;
    if (nativeInsert) return this.insertNative(req, res, url, queryId, nativeInsert[1]!, body);
    if (sql.trim() === '') {
      throw new EngineError(62, 'SYNTAX_ERROR', 'Code: 62. DB::Exception: Empty query. (SYNTAX_ERROR)');
    }
    if (req.method === 'GET' && MODIFYING.test(sql)) {
      throw new EngineError(164, 'READONLY', 'Code: 164. DB::Exception: Cannot execute query in readonly mode. For queries over HTTP, method GET implies readonly. You should use method POST for modifying queries. (READONLY)');
    }

    const { settings: requested, rawParams } = settingsOf(url);
    // readonly is enforced here, per request, as for GET: SET readonly on the shared session could never be undone.
    const readonly = requested.find(([name]) => name === 'readonly');
    if (readonly && readonly[1] !== '0' && MODIFYING.test(sql)) {
      throw new EngineError(164, 'READONLY', `Code: 164. DB::Exception: Cannot execute query in readonly mode (readonly=${readonly[1]}). (READONLY)`);
    }
    const settings = requested.filter(([name]) => name !== 'readonly');
    const params = bindParameters(sql, rawParams);
    const format = (/^\s*(INSERT|CREATE|DROP|ALTER|TRUNCATE)\b/i.test(sql) ? null : trailingFormat(sql)) ?? url.searchParams.get('default_format') ?? 'TabSeparated';

    const kill = KILL_QUERY.exec(sql);
    if (kill) return this.killQuery(res, queryId, kill.groups!, rawParams, url.searchParams.get('default_format') ?? 'TabSeparated', readOnly);

    // A client that hangs up before its statement's turn (a cancelled search) takes the statement with it.
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const started = process.hrtime.bigint();
    if (readOnly) this.readOnlyQueries.add(queryId);
    const result: EngineResult = await this.options.engine
      .query({
        sql,
        format,
        database: url.searchParams.get('database') ?? undefined,
        params,
        settings,
        queryId,
        signal: gone.signal,
      })
      .finally(() => this.readOnlyQueries.delete(queryId));
    const elapsedNs = process.hrtime.bigint() - started;

    let payload = result.data;
    const clientRevision = Number(url.searchParams.get('client_protocol_version') ?? 0);
    if (format.toLowerCase() === 'native' && clientRevision > 0) payload = nativeForClientRevision(payload, clientRevision);
    // compress=1: the answer goes back framed as ClickHouse compressed blocks (checksummed).
    if (url.searchParams.get('compress') === '1') payload = writeCompressedBlocks(payload);
    const headers: Record<string, string> = {
      'content-type': contentTypeFor(format),
      'x-clickhouse-query-id': queryId,
      'x-clickhouse-format': format,
      'x-clickhouse-timezone': 'UTC',
      'x-clickhouse-server-display-name': 'clickstack-tray-sandbox',
      'x-clickhouse-summary': JSON.stringify(summaryOf(result, format, elapsedNs)),
    };
    const accept = String(req.headers['accept-encoding'] ?? '');
    if (url.searchParams.get('enable_http_compression') === '1') {
      if (/\bgzip\b/.test(accept)) {
        payload = gzipSync(payload);
        headers['content-encoding'] = 'gzip';
      } else if (/\bdeflate\b/.test(accept)) {
        payload = deflateSync(payload);
        headers['content-encoding'] = 'deflate';
      }
    }
    headers['content-length'] = String(payload.length);
    res.writeHead(200, headers);
    res.end(payload);
  }
}

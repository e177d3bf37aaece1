/**
 * ClickHouse's `readonly = 1` profile (the stock `readonly` profile of users.xml, and what many
 * teams give a viewing tool), as the sandbox's read-only user meets it. The rules are the server's
 * (docs: operations/settings/permissions-for-queries; checked against chDB 26.7 with SET readonly = 1):
 * only reads (and KILL QUERY of its own queries, which any user may run), and no setting changed
 * in the request — one sent with its current value passes, any other fails with 164 READONLY
 * naming it. Not emulated: a SETTINGS clause inside the statement (the app sends none), SET's own wording.
 * Tests meet a read-only account the way a real one answers, without a second ClickHouse.
 */
import { z } from 'zod';
import { EngineError, type Engine } from './engine.js';

const SettingsAnswer = z.object({ data: z.array(z.tuple([z.string(), z.string()])) });

/** URL parameters ClickHouse's HTTP handler takes for itself; every other one is a setting, checked as such. */
const RESERVED_PARAMS = new Set(['query', 'database', 'default_format', 'query_id', 'user', 'password', 'quota_key', 'stacktrace', 'role', 'buffer_size', 'wait_end_of_query', 'session_id', 'session_timeout', 'session_check', 'client_protocol_version', 'close_session', 'compress', 'decompress']);

const WRITES = /^\s*(INSERT|CREATE|DROP|ALTER|TRUNCATE|RENAME|OPTIMIZE|SYSTEM|DETACH|ATTACH|GRANT|REVOKE|DELETE|UPDATE|EXCHANGE|UNDROP|SET)\b/i;

const readonlyError = (message: string) => new EngineError(164, 'READONLY', `Code: 164. DB::Exception: ${message}. (READONLY)`);

/** The statement past its leading comments and parentheses: a commented or bracketed INSERT is still a write. */
function statementStart(sql: string): string {
  let rest = sql;
  for (let before = ''; before !== rest; ) {
    before = rest;
    rest = rest.replace(/^[\s(]+/, '').replace(/^--[^\n]*(\n|$)/, '').replace(/^\/\*[\s\S]*?\*\//, '');
  }
  return rest;
}

/** Booleans as system.settings writes them. */
function normalized(value: string): string {
  const v = value.trim().toLowerCase();
  return v === 'true' ? '1' : v === 'false' ? '0' : v;
}

export class ReadOnlyProfile {
  private current: Promise<Map<string, string>> | null = null;

  constructor(private readonly engine: Engine) {}

  /** The failure ClickHouse would answer this request of a read-only user with, or null when it may run. */
  async refusal(sql: string, url: URL): Promise<EngineError | null> {
    // The server checks the request's settings before it looks at the statement.
    const current = await this.currentSettings();
    for (const [name, value] of url.searchParams) {
      if (name.startsWith('param_') || RESERVED_PARAMS.has(name)) continue;
      const now = name === 'readonly' ? '1' : current.get(name);
      if (now === undefined) return new EngineError(115, 'UNKNOWN_SETTING', `Code: 115. DB::Exception: Unknown setting '${name.slice(0, 100)}'. (UNKNOWN_SETTING)`);
      if (normalized(value) !== normalized(now)) return readonlyError(`Cannot modify '${name}' setting in readonly mode`);
    }
    if (WRITES.test(statementStart(sql))) return readonlyError('Cannot execute query in readonly mode');
    return null;
  }

  /** The engine's settings as a fresh request starts with them (the sandbox resets each request's own). */
  private currentSettings(): Promise<Map<string, string>> {
    this.current ??= this.engine.query({ sql: 'SELECT name, value FROM system.settings', format: 'JSONCompact' }).then((r) => {
      return new Map(SettingsAnswer.parse(JSON.parse(r.data.toString('utf8'))).data);
    });
    this.current.catch(() => (this.current = null));
    return this.current;
  }
}

/**
 * Settings a query sends only to run cheaper or to stop sooner (hints), and the users who may not
 * change them. A `readonly = 1` user (ClickHouse's stock read-only profile) may change no setting
 * at all (164 READONLY); a settings constraint forbids one (452). Such a user runs the query
 * without the hints instead of failing; what was refused is remembered per server and user, so
 * only the first query pays the second round trip.
 */
import type { ClickHouseSettings } from '@clickhouse/client';
import { ClickHouseFailure } from './clickhouse-failure.js';
import { serverKey, type ClickHouseServer } from './server.js';

/**
 * How long a refusal is kept: a user made writable (or given readonly = 2) gets the hints, and SQL
 * mode's readonly guard, back within this long, without a restart of the app.
 */
export const REFUSAL_KEPT_MS = 10 * 60_000;

const refused = new Map<string, { what: Set<string> | 'all'; at: number }>();

function refusalOf(server: ClickHouseServer, now: number): Set<string> | 'all' | undefined {
  const key = serverKey(server);
  const r = refused.get(key);
  if (r && now - r.at > REFUSAL_KEPT_MS) refused.delete(key);
  return r && now - r.at <= REFUSAL_KEPT_MS ? r.what : undefined;
}

/** The hints this server's user may be sent. */
export function hintsFor(server: ClickHouseServer, hints: ClickHouseSettings | undefined, now = Date.now()): ClickHouseSettings {
  const no = refusalOf(server, now);
  if (!hints || no === 'all') return {};
  return no ? Object.fromEntries(Object.entries(hints).filter(([name]) => !no.has(name))) : hints;
}

/** False once the server said this user may change no setting (readonly = 1): a read's row bound cannot be set either. */
export function mayChangeSettings(server: ClickHouseServer, now = Date.now()): boolean {
  return refusalOf(server, now) !== 'all';
}

/** The setting a 164 or 452 answer names. */
function refusedSetting(error: ClickHouseFailure): string | null {
  const text = error.message;
  return /Cannot modify '([A-Za-z0-9_]+)' setting/.exec(text)?.[1] ?? /Setting '?([A-Za-z0-9_]+)'? should(?:n't| not)/.exec(text)?.[1] ?? null;
}

/**
 * Learns from a failure of a query that carried `sent` hints: true when a hint was refused and
 * the query may be sent again without it, false when the failure is the query's own (a refused
 * setting the answer needs is not a hint, and fails the query).
 */
export function learnRefusedHint(server: ClickHouseServer, error: unknown, sent: ClickHouseSettings, now = Date.now()): boolean {
  if (!(error instanceof ClickHouseFailure) || (error.code !== '164' && error.code !== '452')) return false;
  const name = refusedSetting(error);
  if (name === null) return false;
  const key = serverKey(server);
  // Refused any setting in readonly mode: this user may change none, whichever was refused first.
  if (error.code === '164') refused.set(key, { what: 'all', at: now });
  if (!Object.hasOwn(sent, name)) return false;
  // SQL mode's readonly guard goes only for a user who is read-only already (164), never past a constraint (452).
  if (error.code === '452' && name === 'readonly') return false;
  const known = refusalOf(server, now);
  if (error.code === '452' && known !== 'all') refused.set(key, { what: new Set([...(known ?? []), name]), at: now });
  return true;
}

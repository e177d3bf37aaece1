/**
 * Setup step 1: reach ClickHouse, authenticate, find otel_traces in whichever database
 * holds it, and recognise which schema created it.
 */
import { ClickHouseError, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { z } from 'zod';
import { probe } from './http-probe.js';
import { explainNetworkError } from './network-errors.js';
import { failed, passed, type StepResult } from './step-result.js';

export const CHECK_TIMEOUT_MS = 8_000;

export type SchemaVariant = 'clickstack' | 'clickstack-compat' | 'exporter' | 'json' | 'unknown';

export interface ClickHouseCheckInput {
  url: string;
  user: string;
  password: string;
}

export interface ClickHouseCheckOutcome {
  result: StepResult;
  database: string | null;
  variant: SchemaVariant | null;
}

const TableRow = z.object({ database: z.string() });
const ColumnRow = z.object({ name: z.string(), type: z.string() });
const IndexRow = z.object({ type: z.string() });

/** Tells the variants apart by what only each one has. */
export function detectVariant(columns: { name: string; type: string }[], indexTypes: string[]): SchemaVariant {
  const byName = new Map(columns.map((c) => [c.name, c.type]));
  if (/^JSON/.test(byName.get('SpanAttributes') ?? '')) return 'json';
  if (byName.has('SpanAttributeItems')) return 'exporter';
  if (byName.has('__hdx_materialized_rum.sessionId')) return indexTypes.some((t) => t.startsWith('text')) ? 'clickstack' : 'clickstack-compat';
  if (byName.has('Events.Timestamp')) return 'exporter';
  return 'unknown';
}

export const VARIANT_LABEL: Record<SchemaVariant, string> = {
  clickstack: 'ClickStack (full-text indexes)',
  'clickstack-compat': 'ClickStack (bloom-filter indexes)',
  exporter: 'OpenTelemetry ClickHouse exporter (Nested events and links)',
  json: 'JSON attributes',
  unknown: 'an unrecognised layout',
};

export async function checkClickHouse(input: ClickHouseCheckInput): Promise<ClickHouseCheckOutcome> {
  const started = Date.now();
  const took = () => Date.now() - started;
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    return { result: failed('clickhouse', `"${input.url}" is not a URL.`, 'Use the form https://host:8443 or http://host:8123.'), database: null, variant: null };
  }
  const client = createClient({
    url: url.toString(),
    username: input.user,
    password: input.password,
    request_timeout: CHECK_TIMEOUT_MS,
    log: { level: ClickHouseLogLevel.OFF },
    application: 'clickstack-tray',
  });
  try {
    // A raw /ping first: the client hides the status code, which is what tells "not ClickHouse" apart.
    const pingUrl = new URL(url);
    pingUrl.pathname = `${url.pathname.replace(/\/$/, '')}/ping`;
    const ping = await probe(pingUrl.toString(), { method: 'GET', totalTimeoutMs: CHECK_TIMEOUT_MS });
    if (ping.status !== 200 || !ping.body.startsWith('Ok.')) {
      return {
        result: failed(
          'clickhouse',
          `${url.host} answered ${ping.status} at ${pingUrl.pathname}: ${url.pathname === '/' ? 'this' : url.pathname} is not ClickHouse's HTTP interface.`,
          'Use the ClickHouse HTTP URL without a path, e.g. https://host:8443 or http://host:8123.',
          [],
          took(),
        ),
        database: null,
        variant: null,
      };
    }
    const rs = await client.query({
      query: `SELECT database FROM system.tables WHERE name = {t:String}
              ORDER BY database = 'default' DESC, database = 'otel' DESC, database`,
      query_params: { t: 'otel_traces' },
      format: 'JSONEachRow',
    });
    const dbs = z.array(TableRow).parse(await rs.json()).map((r) => r.database);
    if (dbs.length === 0) {
      return {
        result: failed(
          'clickhouse',
          `Signed in as ${input.user}, but no database on this server has an otel_traces table.`,
          'Start the ClickStack collector once (it creates the table), or create it with ClickStack’s schema.',
          [{ label: 'Server', value: url.host }],
          took(),
        ),
        database: null,
        variant: null,
      };
    }
    const database = dbs[0]!;
    const cols = await client.query({
      query: 'SELECT name, type FROM system.columns WHERE database = {d:String} AND table = {t:String}',
      query_params: { d: database, t: 'otel_traces' },
      format: 'JSONEachRow',
    });
    const idx = await client.query({
      query: 'SELECT type FROM system.data_skipping_indices WHERE database = {d:String} AND table = {t:String}',
      query_params: { d: database, t: 'otel_traces' },
      format: 'JSONEachRow',
    });
    const variant = detectVariant(z.array(ColumnRow).parse(await cols.json()), z.array(IndexRow).parse(await idx.json()).map((r) => r.type));
    const facts = [
      { label: 'Server', value: url.host },
      { label: 'Table', value: `${database}.otel_traces` },
      { label: 'Schema', value: VARIANT_LABEL[variant] },
    ];
    if (dbs.length > 1) facts.push({ label: 'Also found in', value: dbs.slice(1).join(', ') });
    const elsewhere = database !== 'default' ? ` (not in default: the collector must be told, HYPERDX_OTEL_EXPORTER_CLICKHOUSE_DATABASE=${database})` : '';
    return { result: passed('clickhouse', `Connected as ${input.user} and found ${database}.otel_traces${elsewhere}.`, facts, took()), database, variant };
  } catch (error) {
    if (error instanceof ClickHouseError) {
      if (error.code === '516' || error.code === '192' || error.code === '193' || error.code === '194') {
        return { result: failed('clickhouse', `ClickHouse refused user ${input.user}: wrong password or unknown user.`, 'Re-enter the ClickHouse password; it is kept in the OS keychain.', [], took()), database: null, variant: null };
      }
      if (error.code === '497') {
        return { result: failed('clickhouse', `User ${input.user} may not read system.tables or otel_traces.`, 'Grant SELECT on the traces database and on system.tables/system.columns to this user.', [], took()), database: null, variant: null };
      }
      return { result: failed('clickhouse', `ClickHouse answered with error ${error.code} (${error.type ?? 'unknown'}).`, 'See the server log for this query.', [], took()), database: null, variant: null };
    }
    const { cause, fix } = explainNetworkError(error, input.url, 'ClickHouse server');
    return { result: failed('clickhouse', cause, fix, [], took()), database: null, variant: null };
  } finally {
    await client.close();
  }
}

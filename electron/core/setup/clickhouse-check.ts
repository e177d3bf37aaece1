/**
 * Setup step 1: reach ClickHouse, authenticate, find otel_traces in whichever database
 * holds it, and recognise which layout created it (core/clickhouse owns the detection).
 */
import { z } from 'zod';
import { CALL_TIMEOUT_MS, queryRows } from '../clickhouse/clickhouse-clients.js';
import { ClickHouseFailure } from '../clickhouse/clickhouse-failure.js';
import { TRACES_TABLE, type ClickHouseServer } from '../clickhouse/server.js';
import type { LayoutKind } from '../clickhouse/table-layout.js';
import { describeTracesTable, findTracesDatabases } from '../clickhouse/traces-table.js';
import { probe } from './http-probe.js';
import { explainNetworkError } from './network-errors.js';
import { failed, passed, type StepResult } from '../../shared/step-result.js';

export const CHECK_TIMEOUT_MS = CALL_TIMEOUT_MS.check;

export interface ClickHouseCheckOutcome {
  result: StepResult;
  database: string | null;
  layout: LayoutKind | null;
}

/**
 * True for a user with the readonly = 1 profile: asking for readonly = 2 (a no-op for a SELECT of
 * any other user) is refused only there, and the refusal also teaches setting-hints.ts.
 */
async function isReadOnlyUser(server: ClickHouseServer): Promise<boolean> {
  try {
    await queryRows(server, { kind: 'check', sql: 'SELECT 1 AS one', settings: { readonly: '2' }, row: z.unknown() });
    return false;
  } catch (error) {
    if (error instanceof ClickHouseFailure && error.code === '164') return true;
    throw error;
  }
}

export async function checkClickHouse(input: ClickHouseServer): Promise<ClickHouseCheckOutcome> {
  const started = Date.now();
  const took = () => Date.now() - started;
  const fail = (summary: string, fix: string, facts: { label: string; value: string }[] = []): ClickHouseCheckOutcome => ({ result: failed('clickhouse', summary, fix, facts, took()), database: null, layout: null });
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    return fail(`"${input.url}" is not a URL.`, 'Use the form https://host:8443 or http://host:8123.');
  }
  try {
    // A raw /ping first: the client hides the status code, which is what tells "not ClickHouse" apart.
    const pingUrl = new URL(url);
    pingUrl.pathname = `${url.pathname.replace(/\/$/, '')}/ping`;
    const ping = await probe(pingUrl.toString(), { method: 'GET', totalTimeoutMs: CHECK_TIMEOUT_MS });
    if (ping.status !== 200 || !ping.body.startsWith('Ok.')) {
      return fail(
        `${url.host} answered ${ping.status} at ${pingUrl.pathname}: ${url.pathname === '/' ? 'this' : url.pathname} is not ClickHouse's HTTP interface.`,
        'Use the ClickHouse HTTP URL without a path, e.g. https://host:8443 or http://host:8123.',
      );
    }
    const server = { ...input, url: url.toString() };
    const dbs = await findTracesDatabases(server);
    if (dbs.length === 0) {
      return fail(`Signed in as ${input.user}, but no database on this server has an otel_traces table.`, 'Start the ClickStack collector once (it creates the table), or create it with ClickStack’s schema.', [{ label: 'Server', value: url.host }]);
    }
    const database = dbs[0]!;
    const table = await describeTracesTable({ ...server, database, table: TRACES_TABLE }, { refresh: true });
    const facts = [
      { label: 'Server', value: url.host },
      { label: 'Table', value: `${database}.otel_traces` },
      { label: 'Schema', value: table.layout.label },
      { label: 'Engine', value: `${table.engine} (ClickHouse ${table.serverVersion})` },
    ];
    if (dbs.length > 1) facts.push({ label: 'Also found in', value: dbs.slice(1).join(', ') });
    // Asked as the profile spells its URL: what is learnt is found again by Explore's queries and step 2's guide.
    const readOnly = await isReadOnlyUser(input);
    if (readOnly) facts.push({ label: 'Access', value: 'read-only (readonly = 1): reads only, no setting changed' });
    const elsewhere = database !== 'default' ? ` (not in default: the collector must be told, HYPERDX_OTEL_EXPORTER_CLICKHOUSE_DATABASE=${database})` : '';
    // The collector writes with the user it is given: a read-only one would have every insert refused.
    const viewer = readOnly ? ` ${input.user} is a read-only user: the app reads with it, but the collector needs a user that may insert into ${database}.otel_traces (step 2's command takes it from the shell).` : '';
    return { result: passed('clickhouse', `Connected as ${input.user} and found ${database}.otel_traces${elsewhere}.${viewer}`, facts, took()), database, layout: table.layout.kind };
  } catch (error) {
    if (error instanceof ClickHouseFailure) {
      if (error.failure === 'auth') return fail(`ClickHouse refused user ${input.user}: wrong password or unknown user.`, error.fix);
      if (error.failure === 'no-access') return fail(`User ${input.user} may not read system.tables or otel_traces.`, error.fix);
      return fail(error.message, error.fix);
    }
    const { cause, fix } = explainNetworkError(error, input.url, 'ClickHouse server');
    return fail(cause, fix);
  }
}

/**
 * One search in a fresh process, end to end. Run by bench:search; prints one JSON line.
 * - `session`: the app after a restart — the table was described in an earlier run (its file is
 *   passed) and the pipeline monitor's first ClickHouse poll has run, as it does when the app starts,
 *   before anyone can type; only the search is timed.
 * - `cold`: nothing known and nothing before it: the table is described on the search's path.
 */
import { closeAllClients } from '../../electron/core/clickhouse/clickhouse-clients.js';
import { rememberTablesIn } from '../../electron/core/clickhouse/remembered-tables.js';
import { readFreshness } from '../../electron/core/health/probes/clickhouse-probe.js';
import { searchSpans } from '../../electron/core/traces/span-search.js';

const [url, query, fromMs, toMs, mode, tablesFile] = process.argv.slice(2);
const location = { url: url!, user: 'default', password: '', database: 'default', table: 'otel_traces' };
if (mode === 'session') {
  rememberTablesIn(tablesFile!);
  const target = { kind: 'sandbox' as const, clickhouseUrl: url!, clickhouseUser: 'default', password: '', database: 'default', otlpEndpoint: null, otlpToken: null, healthUrl: null, serviceName: 'tfy-llm-gateway' };
  await readFreshness(target, Date.now(), AbortSignal.timeout(30_000));
}
const t0 = performance.now();
const r = await searchSpans(location, { query: query!, fromMs: Number(fromMs), toMs: Number(toMs), service: null, limit: 200 });
const ms = Math.round(performance.now() - t0);
await closeAllClients();
console.log(JSON.stringify({ ms, rows: r.rowsRead, spans: r.spans.length }));

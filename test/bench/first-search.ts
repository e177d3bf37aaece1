/**
 * One search in a fresh process (no table description, no attribute keys cached), end to end:
 * what a person's first search after starting the app costs. Run by bench:search; prints one JSON line.
 */
import { closeAllClients } from '../../electron/core/clickhouse/clickhouse-clients.js';
import { searchSpans } from '../../electron/core/traces/span-search.js';

const [url, query, fromMs, toMs] = process.argv.slice(2);
const location = { url: url!, user: 'default', password: '', database: 'default', table: 'otel_traces' };
const t0 = performance.now();
const r = await searchSpans(location, { query: query!, fromMs: Number(fromMs), toMs: Number(toMs), service: null, limit: 200 });
const ms = Math.round(performance.now() - t0);
await closeAllClients();
console.log(JSON.stringify({ ms, rows: r.rowsRead, spans: r.spans.length }));

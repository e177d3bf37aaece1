/**
 * What keeps web pages away from the sandbox's loopback servers. A page the user visits can
 * send requests to 127.0.0.1 (a cross-site form post needs no CORS permission), and the
 * ClickHouse endpoint runs SQL: refused are requests a browser marks as coming from a page,
 * requests addressed to another name (DNS rebinding), and SQL reaching outside the sandbox's
 * own tables (files, URLs, other servers, programs).
 */
import type { IncomingMessage } from 'node:http';
import { isLoopbackHostName } from '../shared/loopback-host.js';

/** Why a call with these headers is refused, or null. Real clients (collectors, drivers, curl) send neither page header. */
export function pageOrForeignCaller(headers: { host: string | undefined; origin: unknown; secFetchSite: unknown }): string | null {
  if (!isLoopbackHostName(headers.host)) return 'this server only answers requests addressed to 127.0.0.1 or localhost';
  if (headers.origin !== undefined || headers.secFetchSite !== undefined) {
    return 'requests from web pages are refused; the sandbox serves collectors, drivers and the app';
  }
  return null;
}

/** The same for an HTTP request. */
export function browserOrForeignRequest(req: IncomingMessage): string | null {
  return pageOrForeignCaller({ host: req.headers.host, origin: req.headers.origin, secFetchSite: req.headers['sec-fetch-site'] });
}

/** Table functions and clauses that read or write outside the sandbox's own tables. */
const OUTSIDE = /\b(file|url|urlCluster|s3|s3Cluster|gcs|azureBlobStorage|azureBlobStorageCluster|hdfs|hdfsCluster|remote|remoteSecure|cluster|clusterAllReplicas|executable|mysql|postgresql|mongodb|redis|sqlite|jdbc|odbc|iceberg\w*|deltaLake\w*|hudi\w*|fuzzJSON|fuzzQuery)\s*\(|\bINTO\s+OUTFILE\b|\bFROM\s+INFILE\b|\bSYSTEM\s+SHUTDOWN\b/i;

/**
 * The statement as ClickHouse reads it, without what cannot hold a call: string literals blanked,
 * comments and identifier quotes removed (a comment between name and parenthesis, or a quoted name, must not hide it),
 * and an INSERT's rows after FORMAT <name> cut off — except for the Values format, whose rows may
 * hold expressions ClickHouse evaluates. Literals and comments go first, so neither can fake the FORMAT.
 */
function statementText(sql: string): string {
  const plain = sql
    .replace(/'(?:[^'\\]|\\.)*'/g, "''")
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(--|#)[^\n]*/g, ' ')
    .replace(/[`"]/g, '');
  const insert = /^\s*INSERT\b[\s\S]*?\bFORMAT\s+(\w+)/i.exec(plain);
  return insert && insert[1]!.toLowerCase() !== 'values' ? insert[0] : plain;
}

export function reachesOutside(sql: string): string | null {
  const m = OUTSIDE.exec(statementText(sql));
  return m ? `${m[0].replace(/\s*\($/, '()').trim()} reaches outside the sandbox and is not allowed here` : null;
}

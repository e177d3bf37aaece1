/** What identifies a ClickHouse server and the traces table on it: the one connection shape in the core. */
import { createHash } from 'node:crypto';

export const TRACES_TABLE = 'otel_traces';

export interface ClickHouseServer {
  url: string;
  user: string;
  password: string;
}

/** A server with the database and table the profile reads. */
export interface TracesLocation extends ClickHouseServer {
  database: string;
  table: string;
}

/** A key per server and credentials: the password is hashed so a key can be logged or compared safely. */
export function serverKey(s: ClickHouseServer, database = ''): string {
  const pw = createHash('sha256').update(s.password).digest('hex').slice(0, 16);
  return `${s.url}|${s.user}|${pw}|${database}`;
}

/** A table or database name in SQL text. Names come from system tables or our constants; anything odd is refused. */
export function quoteName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name)) throw new Error(`"${name.slice(0, 60)}" is not a table or database name this app reads.`);
  return '`' + name + '`';
}

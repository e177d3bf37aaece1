/** The otel_traces DDL variants the sandbox can create, from the SQL files kept beside this module. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaDir } from '../node-shared/app-files.js';

/**
 * clickstack: ClickStack's newest traces table (text indexes on attribute items, ClickHouse >= 26.2), the default;
 * compat: ClickStack's bloom-filter table for older servers; exporter / exporter-json: the upstream
 * exporter's own DDL with Map or JSON attributes.
 */
export const SCHEMA_VARIANTS = ['clickstack', 'compat', 'exporter', 'exporter-json'] as const;
export const DEFAULT_SCHEMA: SchemaVariant = 'clickstack';
export type SchemaVariant = (typeof SCHEMA_VARIANTS)[number];

/** ClickStack ships a 720 h TTL on its tables. */
const CLICKSTACK_TTL = 'toIntervalHour(720)';

export function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) throw new Error(`"${name}" is not a valid database name (letters, digits, _).`);
  return '`' + name + '`';
}

export function schemaDdl(variant: SchemaVariant, database: string): string {
  const text = readFileSync(join(schemaDir(import.meta.url), `${variant}.sql`), 'utf8');
  const withoutComments = text
    .split('\n')
    .filter((line) => !line.startsWith('--'))
    .join('\n');
  return withoutComments
    .replaceAll('${DATABASE}', quoteIdentifier(database))
    .replaceAll('${TRACES_TTL}', CLICKSTACK_TTL)
    .trim()
    .replace(/;$/, '');
}

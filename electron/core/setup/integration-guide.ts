/** The guide's copyable parts: the collector's docker run and the values to paste into TrueFoundry. */

/** POSIX single quotes: nothing inside them is interpreted by the shell. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function dockerRunCommand(p: { clickhouseUrl: string; clickhouseUser: string; database: string | null; withToken: boolean }): string {
  const lines = [
    'docker run -d --name clickstack-otel-collector \\',
    `  -e CLICKHOUSE_ENDPOINT=${shellQuote(p.clickhouseUrl)} \\`,
    `  -e CLICKHOUSE_USER=${shellQuote(p.clickhouseUser)} \\`,
    // The password stays a shell variable reference: the secret itself never appears in the command.
    '  -e CLICKHOUSE_PASSWORD="$CLICKHOUSE_PASSWORD" \\',
  ];
  if (p.database && p.database !== 'default') lines.push(`  -e HYPERDX_OTEL_EXPORTER_CLICKHOUSE_DATABASE=${shellQuote(p.database)} \\`);
  if (p.withToken) lines.push('  -e OTLP_AUTH_TOKEN="$OTLP_AUTH_TOKEN" \\');
  lines.push('  -p 4317:4317 -p 4318:4318 -p 13133:13133 \\', '  clickhouse/clickstack-otel-collector:latest');
  return lines.join('\n');
}

export const TRUEFOUNDRY_PATH = 'Settings → Organisation → AI Gateway → OTEL Config → Otel Traces Exporter';

export function trueFoundryValues(endpoint: string, withToken: boolean): { label: string; value: string; secret: boolean }[] {
  const values = [
    { label: 'Protocol', value: 'HTTP', secret: false },
    { label: 'Endpoint', value: endpoint, secret: false },
    { label: 'Encoding', value: 'Json', secret: false },
    { label: 'Header', value: 'Content-Type: application/json', secret: false },
  ];
  if (withToken) values.push({ label: 'Header', value: 'authorization: <your OTLP token>', secret: true });
  return values;
}

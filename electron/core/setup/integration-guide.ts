/** The guide's copyable parts: the collector's docker run and the values to paste into TrueFoundry. */
import { endpointShown, type OtlpDestination } from '../otlp/otlp-destination.js';

/** POSIX single quotes: nothing inside them is interpreted by the shell. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** How a container reaches a ClickHouse on the machine that runs Docker. */
export type DockerHost = 'linux' | 'docker-desktop';

const LOOPBACK_URL = /^(https?:\/\/)(127\.0\.0\.1|localhost|\[::1\])(?=[:/]|$)/i;

/**
 * The collector's docker run. A container's 127.0.0.1 is the container itself, so a ClickHouse on
 * this machine's loopback is reached with host networking on Linux (the container shares the
 * host's network; -p is then meaningless and dropped) and through host.docker.internal on
 * Docker Desktop (macOS, Windows), whose containers cannot share the host network.
 */
/** `clickhouseUser: null`: the profile's user may not insert (read-only), so the command takes the user from the shell, as it takes the password. */
export function dockerRunCommand(p: { clickhouseUrl: string; clickhouseUser: string | null; database: string | null; withToken: boolean; dockerHost?: DockerHost }): string {
  const local = LOOPBACK_URL.test(p.clickhouseUrl);
  const dockerHost = p.dockerHost ?? dockerHostOf(process.platform);
  const clickhouseUrl = local && dockerHost === 'docker-desktop' ? p.clickhouseUrl.replace(LOOPBACK_URL, '$1host.docker.internal') : p.clickhouseUrl;
  const lines = [
    'docker run -d --name clickstack-otel-collector \\',
    ...(local && dockerHost === 'linux' ? ['  --network host \\'] : []),
    `  -e CLICKHOUSE_ENDPOINT=${shellQuote(clickhouseUrl)} \\`,
    p.clickhouseUser === null ? '  -e CLICKHOUSE_USER="$CLICKHOUSE_USER" \\' : `  -e CLICKHOUSE_USER=${shellQuote(p.clickhouseUser)} \\`,
    // The password stays a shell variable reference: the secret itself never appears in the command.
    '  -e CLICKHOUSE_PASSWORD="$CLICKHOUSE_PASSWORD" \\',
  ];
  if (p.database && p.database !== 'default') lines.push(`  -e HYPERDX_OTEL_EXPORTER_CLICKHOUSE_DATABASE=${shellQuote(p.database)} \\`);
  if (p.withToken) lines.push('  -e OTLP_AUTH_TOKEN="$OTLP_AUTH_TOKEN" \\');
  if (!(local && dockerHost === 'linux')) lines.push('  -p 4317:4317 -p 4318:4318 -p 13133:13133 \\');
  lines.push('  clickhouse/clickstack-otel-collector:latest');
  return lines.join('\n');
}

export function dockerHostOf(platform: NodeJS.Platform): DockerHost {
  return platform === 'linux' ? 'linux' : 'docker-desktop';
}

/** The sentence under the command when the profile's ClickHouse user is read-only (setup-hints: a 164 answer). */
export function readOnlyUserNote(user: string): string {
  return `${user} is a read-only ClickHouse user (readonly = 1): the app reads with it, but the collector inserts, so the command takes its user from the shell. Set CLICKHOUSE_USER to a user that may insert into otel_traces, and CLICKHOUSE_PASSWORD to its password, before you run it.`;
}

/** One sentence under the command when it had to be changed for a ClickHouse on this machine. */
export function dockerRunNote(clickhouseUrl: string, dockerHost: DockerHost = dockerHostOf(process.platform)): string | null {
  if (!LOOPBACK_URL.test(clickhouseUrl)) return null;
  return dockerHost === 'linux'
    ? 'ClickHouse is on this machine’s 127.0.0.1, which a container cannot see: on Linux the collector runs with --network host, so it shares this machine’s network and listens on 4317, 4318 and 13133 directly.'
    : 'ClickHouse is on this machine’s 127.0.0.1, which a container cannot see: Docker Desktop (macOS, Windows) reaches it as host.docker.internal, so the command uses that name.';
}

export const TRUEFOUNDRY_PATH = 'Settings → Organisation → AI Gateway → OTEL Config → Otel Traces Exporter';

/** Exactly what to enter in TrueFoundry's OTEL Config for this destination. */
export function trueFoundryValues(destination: OtlpDestination, withToken: boolean): { label: string; value: string; secret: boolean }[] {
  const values =
    destination.protocol === 'grpc'
      ? [
          { label: 'Protocol', value: 'gRPC', secret: false },
          { label: 'Endpoint', value: endpointShown(destination), secret: false },
          { label: 'TLS', value: new URL(destination.grpcEndpoint).protocol === 'https:' ? 'on' : 'off (plaintext)', secret: false },
        ]
      : [
          { label: 'Protocol', value: 'HTTP', secret: false },
          { label: 'Endpoint', value: destination.httpEndpoint, secret: false },
          { label: 'Encoding', value: destination.protocol === 'http/protobuf' ? 'Proto' : 'Json', secret: false },
          { label: 'Header', value: `Content-Type: ${destination.protocol === 'http/protobuf' ? 'application/x-protobuf' : 'application/json'}`, secret: false },
        ];
  if (withToken) values.push({ label: 'Header', value: 'authorization: <your OTLP token>', secret: true });
  return values;
}

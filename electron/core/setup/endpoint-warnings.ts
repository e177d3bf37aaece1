/** Mistakes worth a warning before anything is sent. */
import { isIP } from 'node:net';

function isPrivateOrLocal(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local') || h.endsWith('.internal')) return true;
  if (isIP(h) === 4) {
    const [a, b] = h.split('.').map(Number) as [number, number];
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || a === 0;
  }
  if (isIP(h) === 6) return h === '::1' || h.startsWith('fc') || h.startsWith('fd') || h.startsWith('fe80');
  return false;
}

/**
 * One mistake in an endpoint: the problem, the advice a warning list shows with it, and the one change that clears it,
 * so setup step 4 can say what to do instead of "fix the endpoint".
 */
export interface EndpointIssue {
  problem: string;
  advice: string;
  fix: string;
}

/** The port a URL reaches, named even when the URL leaves it out. */
export function portOf(u: URL): string {
  return u.port || (u.protocol === 'https:' ? '443' : '80');
}

export function otlpEndpointIssues(endpoint: string): EndpointIssue[] {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    return [{ problem: `"${endpoint}" is not a URL.`, advice: '', fix: 'Give the collector’s OTLP/HTTP traces URL, such as https://otel.example.com/v1/traces.' }];
  }
  const out: EndpointIssue[] = [];
  if (isPrivateOrLocal(u.hostname)) {
    out.push({
      problem: `${u.hostname} is a local or private address: the TrueFoundry SaaS gateway exports from TrueFoundry's servers and cannot reach it.`,
      advice: 'Expose the collector on a public domain (a self-hosted gateway in the same network can use it).',
      fix: `Serve the collector’s OTLP/HTTP port (${portOf(u)} here) at a public https domain (a reverse proxy or a tunnel), make the OTLP endpoint https://<domain>/v1/traces, and run this check again. A self-hosted gateway in the same network can keep ${u.hostname}.`,
    });
  } else if (u.protocol === 'http:') {
    out.push({
      problem: 'Plain http to a public host sends traces (prompts and completions included) unencrypted.',
      advice: 'Use https.',
      fix: `Serve the collector behind TLS and make the OTLP endpoint https://${u.host}/v1/traces, then run this check again.`,
    });
  }
  if (u.pathname !== '/v1/traces') {
    out.push({ problem: `The path is ${u.pathname}; the OTLP/HTTP traces path is /v1/traces.`, advice: '', fix: `Make the OTLP endpoint ${u.protocol}//${u.host}/v1/traces, then run this check again.` });
  }
  return out;
}

/** A warning's sentence: the problem and its advice, as the Settings and Setup warning lists show it. */
function asWarning(issue: EndpointIssue): string {
  return issue.advice ? `${issue.problem} ${issue.advice}` : issue.problem;
}

export function otlpEndpointWarnings(endpoint: string): string[] {
  return otlpEndpointIssues(endpoint).map(asWarning);
}

/** The same checks for the endpoint of the profile's protocol: the gRPC endpoint has no path, and TLS is its scheme. */
export function destinationIssues(d: { protocol: string; httpEndpoint: string; grpcEndpoint: string }): EndpointIssue[] {
  if (d.protocol !== 'grpc') return otlpEndpointIssues(d.httpEndpoint);
  const u = new URL(d.grpcEndpoint);
  if (isPrivateOrLocal(u.hostname)) {
    return [
      {
        problem: `${u.hostname} is a local or private address: the TrueFoundry SaaS gateway exports from TrueFoundry's servers and cannot reach it.`,
        advice: "Expose the collector's gRPC port on a public domain (a self-hosted gateway in the same network can use it).",
        fix: `Serve the collector’s gRPC port (${portOf(u)} here) with TLS at a public domain, make the gRPC endpoint https://<domain>:<port>, and run this check again. A self-hosted gateway in the same network can keep ${u.hostname}.`,
      },
    ];
  }
  return u.protocol === 'http:'
    ? [
        {
          problem: 'Plaintext gRPC to a public host sends traces (prompts and completions included) unencrypted.',
          advice: 'Serve TLS on the gRPC port and use https://.',
          fix: `Serve TLS on the collector’s gRPC port and make the gRPC endpoint https://${u.host}, then run this check again.`,
        },
      ]
    : [];
}

export function destinationWarnings(d: { protocol: string; httpEndpoint: string; grpcEndpoint: string }): string[] {
  return destinationIssues(d).map(asWarning);
}

export function clickhouseUrlWarnings(raw: string): string[] {
  if (!/^https?:\/\//i.test(raw)) return ['The ClickHouse URL needs a scheme: https://host:8443 (ClickHouse Cloud) or http://host:8123.'];
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return [`"${raw}" is not a URL.`];
  }
  const explicitPort = /^https?:\/\/(\[[^\]]+\]|[^/:]+):\d+/i.test(raw);
  return explicitPort ? [] : [`The ClickHouse URL has no port, so ${u.protocol === 'https:' ? '443' : '80'} is used; ClickHouse listens on 8443 (https) or 8123 (http).`];
}

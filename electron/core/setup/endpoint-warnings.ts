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

export function otlpEndpointWarnings(endpoint: string): string[] {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    return [`"${endpoint}" is not a URL.`];
  }
  const out: string[] = [];
  if (isPrivateOrLocal(u.hostname)) {
    out.push(`${u.hostname} is a local or private address: the TrueFoundry SaaS gateway exports from TrueFoundry's servers and cannot reach it. Expose the collector on a public domain (a self-hosted gateway in the same network can use it).`);
  } else if (u.protocol === 'http:') {
    out.push(`Plain http to a public host sends traces (prompts and completions included) unencrypted. Use https.`);
  }
  if (u.pathname !== '/v1/traces') out.push(`The path is ${u.pathname}; the OTLP/HTTP traces path is /v1/traces.`);
  return out;
}

/** The same checks for the endpoint of the profile's protocol: the gRPC endpoint has no path, and TLS is its scheme. */
export function destinationWarnings(d: { protocol: string; httpEndpoint: string; grpcEndpoint: string }): string[] {
  if (d.protocol !== 'grpc') return otlpEndpointWarnings(d.httpEndpoint);
  const u = new URL(d.grpcEndpoint);
  if (isPrivateOrLocal(u.hostname)) {
    return [`${u.hostname} is a local or private address: the TrueFoundry SaaS gateway exports from TrueFoundry's servers and cannot reach it. Expose the collector's gRPC port on a public domain (a self-hosted gateway in the same network can use it).`];
  }
  return u.protocol === 'http:' ? ['Plaintext gRPC to a public host sends traces (prompts and completions included) unencrypted. Serve TLS on the gRPC port and use https://.'] : [];
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

/** Turns a failed HTTP attempt into one sentence about the cause and one about the fix. */

/** What kind of network failure it was, for programs: never read back from the sentence. */
export type NetworkFailureKind = 'dns' | 'refused' | 'timeout' | 'tls' | 'reset' | 'other';

export interface Explained {
  kind: NetworkFailureKind;
  cause: string;
  fix: string;
}

function codes(error: unknown): string[] {
  const out: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const rec = e as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof rec.code === 'string') out.push(rec.code);
    if (typeof rec.name === 'string') out.push(rec.name);
    if (Array.isArray(rec.errors)) for (const inner of rec.errors) out.push(...codes(inner));
    e = rec.cause;
  }
  return out;
}

/** host:port of a URL, or the text itself when it is not one. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function explainNetworkError(error: unknown, url: string, what: string): Explained {
  const host = hostOf(url);
  const c = codes(error);
  const message = error instanceof Error ? error.message : String(error);
  if (c.includes('ENOTFOUND') || c.includes('EAI_AGAIN')) {
    return { kind: 'dns', cause: `The host name in ${host} does not resolve (DNS lookup failed).`, fix: `Check the spelling of the ${what} URL, or that this machine can resolve it (VPN, /etc/hosts).` };
  }
  if (c.includes('ECONNREFUSED')) {
    return { kind: 'refused', cause: `Nothing is listening at ${host}: the connection was refused.`, fix: `Start the ${what}, or check the port in the URL.` };
  }
  if (c.some((x) => /TIMEOUT|TimeoutError|AbortError/i.test(x)) || /timeout|timed out/i.test(message)) {
    return { kind: 'timeout', cause: `${host} did not answer in time.`, fix: `Check that the ${what} is up and that no firewall drops the traffic.` };
  }
  if (c.some((x) => /SELF_SIGNED|UNABLE_TO_VERIFY|CERT_|ALTNAME|ERR_TLS|EPROTO/.test(x)) || /certificate|TLS|SSL/i.test(message)) {
    const selfSigned = c.some((x) => /SELF_SIGNED|UNABLE_TO_VERIFY/.test(x));
    const altName = c.some((x) => /ALTNAME/.test(x));
    return {
      kind: 'tls',
      cause: selfSigned
        ? `${host} presented a self-signed or untrusted TLS certificate.`
        : altName
          ? `${host} presented a TLS certificate for a different host name.`
          : `The TLS handshake with ${host} failed (${message.slice(0, 120)}).`,
      fix: 'Serve a certificate from a public CA for this exact host name (TrueFoundry must trust it too), or fix the host name in the URL.',
    };
  }
  if (c.includes('ECONNRESET') || c.includes('UND_ERR_SOCKET')) {
    return { kind: 'reset', cause: `${host} closed the connection.`, fix: `Check that the URL's scheme matches the server (http vs https) and that a proxy is not cutting requests.` };
  }
  return { kind: 'other', cause: `The request to ${host} failed: ${message.slice(0, 200)}`, fix: `Check the ${what} URL and that the ${what} is reachable from this machine.` };
}

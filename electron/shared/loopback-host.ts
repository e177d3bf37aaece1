/** Names a loopback-only server may be addressed by; anything else in Host is another site (DNS rebinding). */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** A page on another site that resolves its name to 127.0.0.1 still sends its own Host: refuse it. */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return LOOPBACK_NAMES.some((name) => host.toLowerCase() === `${name}:${port}`);
}

export function isLoopbackOrigin(origin: string, port: number): boolean {
  return LOOPBACK_NAMES.some((name) => origin.toLowerCase() === `http://${name}:${port}`);
}

/** Any port: a local proxy or tunnel in front of a loopback server names its own port, and is no rebinding. */
export function isLoopbackHostName(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  return LOOPBACK_NAMES.includes(name);
}

/** Parsing of CLI values, with messages that name the flag. */
import { InvalidArgumentError } from 'commander';

export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`"${value}" is not a port number (0 to 65535; 0 picks a free port).`);
  return n;
}

/** Secrets are named by environment variable, never passed as a value on the command line. */
export function secretFromEnv(variable: string | undefined, what: string): string | undefined {
  if (variable === undefined) return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw new InvalidArgumentError(`"${variable}" is not an environment variable name.`);
  const value = process.env[variable];
  if (value === undefined || value === '') throw new InvalidArgumentError(`${what}: the environment variable ${variable} is not set.`);
  return value;
}

/** An http(s) URL for a flag, or a message that names the flag and the form it takes. */
export function httpUrl(flag: string, example: string): (value: string) => string {
  return (value) => {
    const url = URL.canParse(value) ? new URL(value) : null;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new InvalidArgumentError(`"${value.slice(0, 200)}" is not an http(s) URL; ${flag} takes one such as ${example}.`);
    return value;
  };
}

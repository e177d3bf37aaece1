/** Compares a presented secret (token, password) with the expected one without leaking, by timing, how much matched. */
import { timingSafeEqual } from 'node:crypto';

export function sameSecret(presented: string, expected: string): boolean {
  const x = Buffer.from(presented);
  const y = Buffer.from(expected);
  return x.length === y.length && timingSafeEqual(x, y);
}

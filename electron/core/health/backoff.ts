/** Backoff for failing polls, as named constants (the podman-desktop way). */

/** The first retry after a failure waits this long (or the poll interval, if shorter). */
export const BACKOFF_BASE_MS = 5_000;
/** A failing target is never polled less often than this. */
export const BACKOFF_MAX_MS = 5 * 60_000;
/** ± fraction of random jitter, so many profiles never poll in lockstep. */
export const BACKOFF_JITTER = 0.2;
/** Each poll's own deadline. */
export const POLL_TIMEOUT_MS = 10_000;

export function nextDelayMs(intervalMs: number, consecutiveFailures: number, random: () => number = Math.random): number {
  if (consecutiveFailures === 0) return intervalMs;
  const base = Math.min(BACKOFF_MAX_MS, Math.max(Math.min(BACKOFF_BASE_MS, intervalMs), intervalMs) * 2 ** Math.min(consecutiveFailures - 1, 16));
  const jitter = 1 + BACKOFF_JITTER * (2 * random() - 1);
  return Math.round(Math.min(BACKOFF_MAX_MS, base * jitter));
}

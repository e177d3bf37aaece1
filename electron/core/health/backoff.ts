/** Retry timing for failing polls, as named constants (the podman-desktop way). */

/**
 * A failed probe is retried soon, so a component that answers again is seen at the next poll
 * instead of after a long backoff: the first retry waits this long, each next one twice as
 * long, never longer than the probe's own interval (a target that stays down is polled at the
 * normal rate, not more often).
 */
export const RETRY_BASE_MS = 2_000;
/** ± fraction of random jitter, so many profiles never poll in lockstep. */
export const BACKOFF_JITTER = 0.2;
/** Each poll's own deadline. */
export const POLL_TIMEOUT_MS = 10_000;

export function nextDelayMs(intervalMs: number, consecutiveFailures: number, random: () => number = Math.random): number {
  if (consecutiveFailures === 0) return intervalMs;
  const base = Math.min(intervalMs, RETRY_BASE_MS * 2 ** Math.min(consecutiveFailures - 1, 16));
  const jitter = 1 + BACKOFF_JITTER * (2 * random() - 1);
  return Math.round(Math.min(intervalMs, base * jitter));
}

import { useEffect, useState } from 'react';
import { useRunning, type Progress } from '../api/query-progress';
import { clockTime, fmtCount as compact } from '../views/traces/format';

/** Progress shows only for a query that has run this long. */
const SHOW_AFTER_MS = 1000;

const bytes = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : n >= 1e6 ? `${Math.round(n / 1e6)} MB` : n >= 1e3 ? `${Math.round(n / 1e3)} kB` : `${n} B`);

/** "Reading… 1.2 M rows, 340 MB, 3 s" (of 4.0 M when the server knows), or only the time when no progress came. */
export function progressText(p: Progress | null, elapsedMs: number): string {
  const secs = `${Math.round(Math.max(elapsedMs, p?.elapsedMs ?? 0) / 1000)} s`;
  if (!p) return `Reading… ${secs}`;
  const of = p.totalRowsToRead > p.rowsRead ? ` of ${compact(p.totalRowsToRead)}` : '';
  return `Reading… ${compact(p.rowsRead)}${of} rows, ${bytes(p.bytesRead)}, ${secs}`;
}

function useNow(on: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!on) return;
    const t = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(t);
  }, [on]);
  return now;
}

export interface QueryStatusProps {
  /** The hashed cache key of the query this panel shows (its progress is filed under it). */
  progressKey: string;
  fetching: boolean;
  cancelled: boolean;
  onCancel: () => void;
  onRetry: () => void;
  /** When the shown answer's window ends (a relative range: when it was asked). */
  asOfMs: number | null;
  /** The panel's name in its buttons' labels ("Cancel the summary"). */
  what: string;
  testId: string;
}

/** A panel's query: running (with progress and Cancel after a second), cancelled (with Retry), or the time it is as of. */
export function QueryStatus({ progressKey, fetching, cancelled, onCancel, onRetry, asOfMs, what, testId }: QueryStatusProps) {
  const running = useRunning(progressKey);
  const now = useNow(fetching);
  const elapsed = running ? now - running.startedAt : 0;
  if (fetching && running && (elapsed >= SHOW_AFTER_MS || running.progress)) {
    return (
      <span className="query-status" data-testid={`${testId}-progress`}>
        <span role="status">{progressText(running.progress, elapsed)}</span>
        <button type="button" className="secondary small" onClick={onCancel} aria-label={`Cancel ${what}`}>
          Cancel
        </button>
      </span>
    );
  }
  if (cancelled && !fetching) {
    return (
      <span className="query-status" data-testid={`${testId}-cancelled`}>
        <span role="status">Cancelled</span>
        <button type="button" className="secondary small" onClick={onRetry} aria-label={`Retry ${what}`}>
          Retry
        </button>
      </span>
    );
  }
  return asOfMs !== null && !fetching ? (
    <span className="muted small" data-testid={`${testId}-as-of`}>
      as of {clockTime(asOfMs)}
    </span>
  ) : null;
}

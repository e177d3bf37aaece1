import type { Tail } from './use-tail';

/** What the tail has to say: an error, how it reads, what left the view, a restart, an outage. */
export function TailNotes({ tail }: { tail: Tail }) {
  const dropped = tail.received - tail.spans.length - tail.held.length;
  return (
    <>
      {tail.error ? (
        <div className="banner error" role="alert">
          {tail.error}
        </div>
      ) : null}
      {tail.strategy ? (
        <p className="muted pad small" data-testid="tail-strategy">
          {tail.strategy}
        </p>
      ) : null}
      {dropped > 0 ? (
        <p className="muted pad small" data-testid="tail-dropped">
          Showing the newest {tail.spans.length.toLocaleString()} of {tail.received.toLocaleString()} spans this tail delivered; the {dropped.toLocaleString()} older ones left the view (none was skipped: Explore has them all).
        </p>
      ) : null}
      {tail.restarted ? (
        <div className="banner warn" role="status" data-testid="tail-restarted">
          The page's connection to the app was interrupted, so the tail started again from the newest spans; use Explore for the gap.
          <button type="button" className="secondary small" onClick={tail.dismissRestarted}>
            Dismiss
          </button>
        </div>
      ) : null}
      {tail.trouble ? (
        <div className="banner warn" role="status" data-testid="tail-trouble">
          {tail.trouble} Nothing written meanwhile will be missed.
        </div>
      ) : null}
    </>
  );
}

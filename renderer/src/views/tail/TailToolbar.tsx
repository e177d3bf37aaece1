import { useState } from 'react';
import type { TailSearch } from '../../routes/search-params';
import type { Tail } from './use-tail';

function StateBadge({ tail }: { tail: Tail }) {
  const tone = tail.live && !tail.paused && !tail.trouble ? 'ok' : tail.error || tail.trouble ? 'bad' : 'warn';
  return (
    <span className={`badge ${tone}`} data-testid="tail-state">
      <span className="dot" aria-hidden="true" />
      {tail.live ? (tail.trouble ? 'Reconnecting…' : tail.paused ? 'Paused' : 'Live') : tail.error ? 'Stopped' : 'Starting…'}
    </span>
  );
}

/** The tail's filter (applied into the URL), what it shows, pause and follow, and how it is doing. */
export function TailToolbar({ search, tail, requests, follow, onFollow, onChange, onToResults }: { search: TailSearch; tail: Tail; requests: number; follow: boolean; onFollow: (f: boolean) => void; onChange: (patch: Partial<TailSearch>) => void; /** ↓ in the filter box: the rows take the keyboard (false when there are none). */ onToResults?: () => boolean }) {
  const [shown, setShown] = useState(search.q);
  const [draft, setDraft] = useState(search.q);
  if (shown !== search.q) {
    setShown(search.q);
    setDraft(search.q);
  }
  return (
    <form
      className="card toolbar"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        onChange({ q: draft });
      }}
    >
      <input
        className="grow"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        placeholder='Filter, e.g. status:error OR duration:>5s model:"gpt-4o"'
        aria-label="Tail filter"
        data-testid="tail-filter"
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !e.altKey && onToResults?.()) e.preventDefault();
        }}
      />
      <button type="submit">Apply</button>
      <div className="seg" role="group" aria-label="Show">
        {(['requests', 'spans'] as const).map((m) => (
          <button key={m} type="button" className={search.show === m ? 'small' : 'secondary small'} aria-pressed={search.show === m} data-testid={`tail-mode-${m}`} onClick={() => onChange({ show: m })}>
            {m === 'requests' ? 'Requests' : 'Spans'}
          </button>
        ))}
      </div>
      <label className="check">
        <input type="checkbox" checked={search.all} onChange={(e) => onChange({ all: e.target.checked })} /> All services
      </label>
      <button type="button" className="secondary" onClick={() => (tail.paused ? tail.resume() : tail.pause())} data-testid="tail-pause">
        {tail.paused ? `Resume (${tail.held.length} waiting)` : 'Pause'}
      </button>
      <label className="check">
        <input type="checkbox" checked={follow} onChange={(e) => onFollow(e.target.checked)} /> Follow
      </label>
      <StateBadge tail={tail} />
      <span className="muted" data-testid="tail-rate" data-spans={tail.spans.length} data-requests={requests} data-received={tail.received}>
        {tail.rate.toFixed(1)} spans/s · {search.show === 'requests' ? `${requests.toLocaleString()} requests from ${tail.spans.length.toLocaleString()} spans` : `${tail.spans.length.toLocaleString()} shown`}
      </span>
    </form>
  );
}

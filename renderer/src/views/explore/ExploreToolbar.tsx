import { useState } from 'react';
import { hyperdxSearchUrl } from '../../../../electron/shared/hyperdx-url';
import type { SearchWindow } from '../../api/explore-queries';
import type { ProfileT } from '../../api/profiles';
import { remember, SearchBox } from '../../components/SearchBox';
import { RANGES, type ExploreSearch, type RangeId } from '../../routes/search-params';
import { dayMinute } from '../traces/format';
import { isAbsolute } from './use-explore-window';

const ABSOLUTE = 'absolute';
const fmt = dayMinute;

/** The range picker: the presets, and the absolute window a link brought, while it is the one in use. */
function RangeSelect({ search, onChange }: { search: ExploreSearch; onChange: (patch: Partial<ExploreSearch>) => void }) {
  const absolute = isAbsolute(search);
  return (
    <select
      value={absolute ? ABSOLUTE : search.range}
      onChange={(e) => e.target.value !== ABSOLUTE && onChange({ range: e.target.value as RangeId, from: undefined, to: undefined })}
      aria-label="Time range"
      data-testid="range"
    >
      {absolute ? <option value={ABSOLUTE}>{`${fmt(search.from!)} – ${fmt(search.to!)}`}</option> : null}
      {(Object.keys(RANGES) as RangeId[]).map((id) => (
        <option key={id} value={id}>
          Last {id}
        </option>
      ))}
    </select>
  );
}

/** Explore's own HyperDX link for the search on screen (HyperDX's search URL, when the profile names HyperDX and its source). */
function HyperdxLink({ profile, window: w }: { profile: ProfileT | null; window: SearchWindow | null }) {
  const url = profile && w ? hyperdxSearchUrl(profile, { where: w.query, whereLanguage: w.language, fromMs: w.fromMs, toMs: w.toMs }) : null;
  if (!url) return null;
  return (
    <a className="button secondary small" href={url} target="_blank" rel="noreferrer" data-testid="open-hyperdx">
      Open in HyperDX
    </a>
  );
}

/**
 * The search as the user edits it; Search (or Enter) puts it in the URL. The box follows the URL
 * when it changes by itself (Back, a pasted link, a number clicked in the summary).
 */
export function ExploreToolbar({ search, window: w, profile, onSearch, onChange, onToResults }: { search: ExploreSearch; window: SearchWindow | null; profile: ProfileT | null; onSearch: (patch: Partial<ExploreSearch>) => void; onChange: (patch: Partial<ExploreSearch>) => void; /** ↓ in the search box: the results take the keyboard (false when there are none). */ onToResults?: () => boolean }) {
  const [shown, setShown] = useState({ q: search.q, lang: search.lang });
  const [draft, setDraft] = useState(shown);
  if (shown.q !== search.q || shown.lang !== search.lang) {
    setShown({ q: search.q, lang: search.lang });
    setDraft({ q: search.q, lang: search.lang });
  }
  return (
    <form
      className="card toolbar"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        if (draft.lang === 'lucene') remember(draft.q);
        onSearch({ q: draft.q, lang: draft.lang });
      }}
    >
      <SearchBox profileId={profile?.id} value={draft.q} onChange={(q) => setDraft((d) => ({ ...d, q }))} language={draft.lang} onLanguage={(lang) => setDraft((d) => ({ ...d, lang }))} placeholder='e.g. model:"openai-main/gpt-4o" StatusCode:Error duration:>2s (quoted is exact; model:gpt-4o is a part, so -mini too)' onArrowDown={onToResults} />
      <RangeSelect search={search} onChange={onChange} />
      <div className="seg" role="group" aria-label="Show">
        {(['requests', 'spans'] as const).map((m) => (
          <button key={m} type="button" className={search.show === m ? 'small' : 'secondary small'} aria-pressed={search.show === m} data-testid={`mode-${m}`} onClick={() => onChange({ show: m })}>
            {m === 'requests' ? 'Requests' : 'Spans'}
          </button>
        ))}
      </div>
      <label className="check">
        <input type="checkbox" checked={search.all} onChange={(e) => onChange({ all: e.target.checked })} data-testid="all-services" /> All services
      </label>
      <label className="check" title={isAbsolute(search) ? 'An absolute range does not move' : 'Re-run every 30 s'}>
        <input type="checkbox" checked={search.refresh} disabled={isAbsolute(search)} onChange={(e) => onChange({ refresh: e.target.checked })} data-testid="auto-refresh" /> Auto-refresh
      </label>
      {/* Enabled while a search runs: a newer search replaces (and cancels) a slow one. */}
      <button type="submit" disabled={!profile} title={profile ? undefined : 'Loading profiles…'}>
        Search
      </button>
      <HyperdxLink profile={profile} window={w} />
    </form>
  );
}

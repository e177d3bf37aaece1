import { useEffect, useState } from 'react';
import type { SearchWindow } from '../../api/explore-queries';
import { RANGES, type ExploreSearch } from '../../routes/search-params';

/** How often a relative range re-runs when auto-refresh is on. */
export const AUTO_REFRESH_MS = 30_000;

export const isAbsolute = (s: Pick<ExploreSearch, 'from' | 'to'>) => s.from !== undefined && s.to !== undefined && s.from < s.to;

/**
 * The one query state of Explore: the URL's search resolved to a time window. A relative range
 * is resolved when the search changes, when the user searches again, and on each auto-refresh;
 * the list, the summary and the charts all receive this same window, so they always agree.
 */
export function useExploreWindow(search: ExploreSearch, profileId: string | null): { window: SearchWindow | null; rerun: () => void } {
  const stateKey = JSON.stringify([search.q, search.lang, search.range, search.from, search.to, search.all, profileId]);
  const [asOf, setAsOf] = useState(() => ({ key: stateKey, at: Date.now() }));
  let at = asOf.at;
  if (asOf.key !== stateKey) {
    // A new search: resolve "now" for it during this render, so no query runs with the old window.
    // eslint-disable-next-line react-hooks/purity -- "now" is read once per search, by design, and kept in state
    at = Date.now();
    setAsOf({ key: stateKey, at });
  }
  const relative = !isAbsolute(search);
  useEffect(() => {
    if (!search.refresh || !relative) return;
    const t = window.setInterval(() => setAsOf((s) => ({ ...s, at: Date.now() })), AUTO_REFRESH_MS);
    return () => window.clearInterval(t);
  }, [search.refresh, relative]);
  const rerun = () => setAsOf({ key: stateKey, at: Date.now() });
  if (!profileId) return { window: null, rerun };
  const [fromMs, toMs] = relative ? [at - RANGES[search.range], at] : [search.from!, search.to!];
  return { window: { profileId, query: search.q, language: search.lang, fromMs, toMs, allServices: search.all }, rerun };
}

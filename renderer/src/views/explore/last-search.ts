import type { ExploreSearch } from '../../routes/search-params';

/** The search Explore last showed: an old-style trace link clicked inside the app opens over it, not over a blank search. */
let last: Partial<ExploreSearch> = {};

export function rememberExploreSearch(s: ExploreSearch): void {
  last = s;
}

export function lastExploreSearch(): Partial<ExploreSearch> {
  return last;
}

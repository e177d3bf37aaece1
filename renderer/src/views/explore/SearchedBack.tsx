import { dayTime, plural } from '../traces/format';

/**
 * A text-scanning search stopped going back at its row budget: say how far it looked and what was
 * left unsearched, and let the user go on. Without this, an empty list would read as "nothing
 * matches" when the older part of the range was never read.
 */
export function SearchedBack({ searchedFromMs, rangeFromMs, rowsRead, found, what, busy, onFurther }: { searchedFromMs: number; rangeFromMs: number; rowsRead: number; found: number; what: 'request' | 'span'; busy: boolean; onFurther: () => void }) {
  return (
    <div className="banner note inset" role="status" data-testid="searched-back">
      <span>
        {found === 0 ? `No ${what}s match back to ${dayTime(searchedFromMs)}` : `${plural(found, what)} found back to ${dayTime(searchedFromMs)}`}. This search scans text, so it stops after reading {rowsRead.toLocaleString()} rows;{' '}
        the range's older part, back to {dayTime(rangeFromMs)}, is not searched yet.
      </span>{' '}
      <button type="button" className="small" onClick={onFurther} disabled={busy} data-testid="search-further">
        {busy ? 'Searching further…' : 'Search further back'}
      </button>
    </div>
  );
}

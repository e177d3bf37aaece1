import { hashKey, useQueryClient } from '@tanstack/react-query';
import { spansKey, SPAN_LIMIT, useSpanSearch, wasCancelled } from '../../api/explore-queries';
import { QueryStatus } from '../../components/QueryStatus';
import { plural, type Span } from '../traces/format';
import { SpanTable } from '../traces/SpanTable';
import type { ListProps } from './list-props';
import { BareWordHint } from './BareWordHint';
import { SearchedBack } from './SearchedBack';

/** Every span the search finds (the newest SPAN_LIMIT). The spans have no cursor: searching further (onSearchOlder) asks for the range's unsearched part. */
export function SpanResults({ window: w, height, activeKey, openKey, onActive, onOpen, onSearchOlder }: ListProps<Span> & { onSearchOlder: (toMs: number) => void }) {
  const client = useQueryClient();
  const query = useSpanSearch(w);
  const spans = query.error ? [] : (query.data?.spans ?? []);
  const shown = query.data?.window ?? null;
  const stale = query.isPlaceholderData;
  const stoppedAt = query.data && !query.error && !stale ? query.data.searchedFromMs : null;
  const none = spans.length === 0 && query.data !== undefined && !stale && !query.error && !query.isFetching && stoppedAt === null;
  return (
    <section className={`card flush ${stale ? 'is-stale' : ''}`} aria-busy={query.isFetching} data-testid="search-results" data-query={shown && !query.error ? shown.query : undefined} data-mode="spans" data-count={spans.length}>
      <div className="list-head">
        <span className="muted small" data-testid="result-count">
          {query.data && !query.error ? `${plural(spans.length, 'span')}${query.data.truncated ? `+ (the newest ${SPAN_LIMIT.toLocaleString()})` : ''} · read ${query.data.rowsRead.toLocaleString()} rows in ${query.data.elapsedMs} ms` : ''}
        </span>
        {query.isFetching ? (
          <span className="muted small" role="status" data-testid="search-busy">
            Searching…
          </span>
        ) : null}
        <QueryStatus progressKey={hashKey(spansKey(w))} fetching={query.isFetching} cancelled={wasCancelled(query, w !== null)} onCancel={() => void client.cancelQueries({ queryKey: spansKey(w) })} onRetry={() => void query.refetch()} asOfMs={shown && !stale ? shown.toMs : null} what="the search" testId="list" />
      </div>
      {query.error ? (
        <div className="banner error inset" role="alert" data-testid="search-error">
          {query.error.message}
        </div>
      ) : null}
      {/* An empty answer or an error says so where the rows would be, not under an empty table. */}
      {none ? (
        <>
          <p className="muted pad" role="status" data-testid="no-results">
            No spans match in this range.
          </p>
          <BareWordHint words={query.data?.bareWords ?? []} />
        </>
      ) : query.error ? null : (
        <SpanTable spans={spans} height={height} label="Search results" activeKey={activeKey} openKey={openKey} onActive={onActive} onOpen={onOpen} />
      )}
      {stoppedAt !== null && w ? <SearchedBack searchedFromMs={stoppedAt} rangeFromMs={w.fromMs} rowsRead={query.data?.rowsRead ?? 0} found={spans.length} what="span" busy={query.isFetching} onFurther={() => onSearchOlder(stoppedAt)} /> : null}
    </section>
  );
}

import { hashKey, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { requestsKey, summaryKey, useRequestPages, useSummary, wasCancelled, type SearchWindow } from '../../api/explore-queries';
import { QueryStatus } from '../../components/QueryStatus';
import { dayTime, plural } from '../traces/format';
import { RequestTable, type Request } from '../traces/RequestTable';
import type { ListProps } from './list-props';
import { BareWordHint } from './BareWordHint';
import { SearchedBack } from './SearchedBack';

/** "1,280 requests, 200 loaded": the count is the summary's, for the same window and search. */
function countText(loaded: number, total: number | null, more: boolean): string {
  if (total === null) return `${plural(loaded, 'request')} loaded${more ? ', more as you scroll' : ''}`;
  return total === loaded && !more ? plural(total, 'request') : `${plural(total, 'request')}, ${loaded.toLocaleString()} loaded`;
}

/** The requests the search finds, paged through the whole range as the list scrolls. */
export function RequestResults({ window: w, height, activeKey, openKey, onActive, onOpen, onConversation }: ListProps<Request> & { onConversation: (id: string) => void }) {
  const client = useQueryClient();
  const query = useRequestPages(w);
  const summary = useSummary(w);
  const requests = useMemo(() => (query.error ? [] : (query.data?.pages.flatMap((p) => p.requests) ?? [])), [query.data, query.error]);
  const shown = query.data?.pages[0]?.window ?? null;
  const stale = query.isPlaceholderData;
  // The count of the rows shown: while they are the previous search's (this one running or cancelled), not this search's.
  const total = summary.data && !summary.isPlaceholderData && !stale ? summary.data.requests : null;
  const last = query.data?.pages.at(-1);
  // A page that stopped at the scan budget waits for the user: scrolling alone would read the whole range.
  const stoppedAt = !query.error && !stale && query.hasNextPage ? (last?.searchedFromMs ?? null) : null;
  const loadMore = query.hasNextPage && !query.isFetchingNextPage && !stale && stoppedAt === null ? () => void query.fetchNextPage() : undefined;
  const cancelled = wasCancelled(query, w !== null);
  const none = requests.length === 0 && query.data !== undefined && !stale && !query.error && !query.isFetching && stoppedAt === null;
  // Cancel stops the search, not only its list: the summary of the same search stops with it, and Retry asks it again (a finished one is left alone).
  const cancelSearch = () => {
    void client.cancelQueries({ queryKey: requestsKey(w) });
    void client.cancelQueries({ queryKey: summaryKey(w) });
  };
  const retrySearch = () => {
    void query.refetch();
    if (wasCancelled(summary, w !== null)) void summary.refetch();
  };
  return (
    <section className={`card flush ${stale ? 'is-stale' : ''}`} aria-busy={query.isFetching} data-testid="search-results" data-query={shown && !query.error ? shown.query : undefined} data-mode="requests" data-count={requests.length} data-total={total ?? undefined} data-complete={query.data && !query.hasNextPage && !stale ? 'true' : undefined}>
      <div className="list-head">
        <span className="muted small" data-testid="result-count">
          {query.data && !query.error ? countText(requests.length, total, query.hasNextPage) : ''}
        </span>
        {query.isFetching ? (
          <span className="muted small" role="status" data-testid="search-busy">
            {query.isFetchingNextPage ? 'Loading older requests…' : 'Searching…'}
          </span>
        ) : null}
        <QueryStatus progressKey={hashKey(requestsKey(w))} fetching={query.isFetching} cancelled={cancelled} onCancel={cancelSearch} onRetry={retrySearch} asOfMs={shown && !stale ? shown.toMs : null} what="the search" testId="list" />
      </div>
      {query.error ? (
        <div className="banner error inset" role="alert" data-testid="search-error">
          {query.error.message}
        </div>
      ) : null}
      {stale ? <p className="muted small pad-x">{cancelled ? "This search was cancelled: the requests below are the previous search's." : "Showing the previous search's requests until this one answers."}</p> : null}
      {/* An empty answer or an error says so where the rows would be, not under an empty table. */}
      {none ? (
        <>
          <p className="muted pad" role="status" data-testid="no-results">
            No requests match in this range. A request is a gateway trace whose root span started in the range; switch to Spans to see every span.
          </p>
          <BareWordHint words={last?.bareWords ?? []} />
        </>
      ) : query.error ? null : (
        <RequestTable requests={requests} height={height} label="Requests" activeKey={activeKey} openKey={openKey} onActive={onActive} onOpen={onOpen} onConversation={onConversation} onNearEnd={loadMore} />
      )}
      {stoppedAt !== null && w ? (
        <SearchedBack searchedFromMs={stoppedAt} rangeFromMs={w.fromMs} rowsRead={last?.rowsRead ?? 0} found={requests.length} what="request" busy={query.isFetchingNextPage} onFurther={() => void query.fetchNextPage()} />
      ) : null}
      {query.data && !query.error && !stale && !query.hasNextPage && requests.length > 0 ? (
        <p className="muted small pad-x" data-testid="list-end">
          That is every request of the range{w ? `, back to ${dayTime(w.fromMs)}` : ''}.
        </p>
      ) : null}
    </section>
  );
}

export type { SearchWindow };

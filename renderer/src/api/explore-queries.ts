import { hashKey, keepPreviousData, skipToken, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { RequestCursor } from '../../../electron/shared/contract';
import { invokeCancellable } from './cancellable';
import { useApi } from './context';

/** One query state: the list, the summary and the charts all answer exactly this. */
export interface SearchWindow {
  profileId: string;
  query: string;
  language: 'lucene' | 'sql';
  fromMs: number;
  toMs: number;
  allServices: boolean;
}

/** Requests per page of the list; the next page is asked for as the user scrolls near the end. */
export const REQUEST_PAGE = 200;
/** The spans view shows at most this many (traces.search has no cursor). */
export const SPAN_LIMIT = 1000;

type Cursor = z.infer<typeof RequestCursor>;

export const requestsKey = (w: SearchWindow | null) => ['traces.requests', w] as const;
export const spansKey = (w: SearchWindow | null) => ['traces.search', w && { ...w, limit: SPAN_LIMIT }] as const;
export const summaryKey = (w: SearchWindow | null) => ['traces.summary', w] as const;
/** Under the summary's key, so cancelling the summary cancels its preview too. */
export const summaryPreviewKey = (w: SearchWindow | null) => ['traces.summary', w, 'preview'] as const;

/** The requests the search finds, newest first, a page at a time over the `before`/`next` cursor. */
export function useRequestPages(w: SearchWindow | null) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: requestsKey(w),
    enabled: w !== null,
    initialPageParam: null as Cursor | null,
    queryFn: async ({ pageParam, signal, queryKey }) => {
      const page = await invokeCancellable(api, 'traces.requests', { ...w!, limit: REQUEST_PAGE, ...(pageParam ? { before: pageParam } : {}) }, signal, hashKey(queryKey));
      return { ...page, window: w! };
    },
    getNextPageParam: (last) => last.next ?? null,
    // A new search keeps the old rows on screen (marked stale) until its answer replaces them.
    placeholderData: keepPreviousData,
  });
}

export function useSpanSearch(w: SearchWindow | null) {
  const api = useApi();
  return useQuery({
    queryKey: spansKey(w),
    enabled: w !== null,
    queryFn: async ({ signal, queryKey }) => ({ ...(await invokeCancellable(api, 'traces.search', { ...w!, limit: SPAN_LIMIT }, signal, hashKey(queryKey))), window: w! }),
    placeholderData: keepPreviousData,
  });
}

/**
 * The summaries and charts of the requests the same search finds. A slow window's newest part is
 * asked first and put where useSummaryPreview shows it while the rest is read; the whole summary
 * asked next reuses its time slices. A quick window comes back whole from the first call.
 */
export function useSummary(w: SearchWindow | null) {
  const api = useApi();
  const client = useQueryClient();
  return useQuery({
    queryKey: summaryKey(w),
    enabled: w !== null,
    queryFn: async ({ signal, queryKey }) => {
      const progress = hashKey(queryKey);
      const first = { ...(await invokeCancellable(api, 'traces.summary', { ...w!, preview: true }, signal, progress)), window: w! };
      if (!first.partial) return first;
      client.setQueryData(summaryPreviewKey(w), first);
      return { ...(await invokeCancellable(api, 'traces.summary', w!, signal, progress)), window: w! };
    },
    placeholderData: keepPreviousData,
  });
}

type SummaryAnswer = NonNullable<ReturnType<typeof useSummary>['data']>;

/** The newest part of the window's summary, while the whole is being read (useSummary puts it here; it is never fetched on its own). */
export function useSummaryPreview(w: SearchWindow | null) {
  return useQuery<SummaryAnswer>({ queryKey: summaryPreviewKey(w), queryFn: skipToken });
}

/** A query stopped before its answer (Cancel, or left behind by a newer search) and not asked again. */
export function wasCancelled(q: { status: string; fetchStatus: string; isPlaceholderData: boolean; data: unknown }, enabled: boolean): boolean {
  return enabled && q.fetchStatus === 'idle' && (q.status === 'pending' || (q.isPlaceholderData && q.data !== undefined));
}

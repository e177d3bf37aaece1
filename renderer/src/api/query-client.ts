import { QueryClient } from '@tanstack/react-query';

/**
 * The page's one query cache. Keys are `[method, input]` over the contract (contract-query.ts);
 * events write into it (cache-events.ts). A failed search is an answer, not a glitch: no retries.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, staleTime: 30_000 },
    },
  });
}

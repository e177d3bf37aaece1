import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { MethodInput, SpanPayload } from '../../../../electron/shared/contract';
import type { z } from 'zod';
import { useApi } from '../../api/context';
import { contractKey } from '../../api/contract-query';
import { errorText } from '../setup/use-profiles';

export type PayloadState = { status: 'loading' } | { status: 'done'; value: z.infer<typeof SpanPayload> } | { status: 'error'; error: string };
type PayloadInput = MethodInput<'traces.payload'>;

/**
 * Spans' full input and output, fetched on demand as the LLM panel fetches them (traces.payload,
 * in the page's query cache under the contract's key), once per span: a transcript's "show all",
 * "raw" and deferred turns all read the same answer. Asked again after a failure, it tries again.
 */
export function useSpanPayloads(profileId: string) {
  const api = useApi();
  const client = useQueryClient();
  const [asked, setAsked] = useState<PayloadInput[]>([]);
  const results = useQueries({
    // A span's payload does not change once written.
    queries: asked.map((input) => ({ queryKey: contractKey('traces.payload', input), queryFn: () => api.invoke('traces.payload', input), staleTime: Infinity })),
  });
  const load = useCallback(
    (traceId: string, spanId: string, aroundMs: number) => {
      const input = { profileId, traceId, spanId, aroundMs };
      setAsked((list) => (list.some((x) => x.traceId === traceId && x.spanId === spanId) ? list : [...list, input]));
      void client.refetchQueries({ queryKey: ['traces.payload'], predicate: (q) => q.state.status === 'error' && (q.queryKey[1] as PayloadInput).spanId === spanId });
    },
    [client, profileId],
  );
  const get = useCallback(
    (traceId: string, spanId: string): PayloadState | null => {
      const i = asked.findIndex((x) => x.traceId === traceId && x.spanId === spanId);
      const r = i >= 0 ? results[i] : undefined;
      if (!r) return null;
      if (r.error) return { status: 'error', error: errorText(r.error) };
      return r.data ? { status: 'done', value: r.data } : { status: 'loading' };
    },
    [asked, results],
  );
  return { load, get };
}

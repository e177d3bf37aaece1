import { useCallback, useRef, useState } from 'react';
import type { SpanPayload } from '../../../../electron/shared/contract';
import type { z } from 'zod';
import { useApi } from '../../api/context';
import { errorText } from '../setup/use-profiles';

export type PayloadState = { status: 'loading' } | { status: 'done'; value: z.infer<typeof SpanPayload> } | { status: 'error'; error: string };

/**
 * Spans' full input and output, fetched on demand as the LLM panel fetches them (traces.payload),
 * once per span: a transcript's "show all", "raw" and deferred turns all read the same answer.
 */
export function useSpanPayloads(profileId: string) {
  const api = useApi();
  const [payloads, setPayloads] = useState<Record<string, PayloadState>>({});
  const asked = useRef(new Set<string>());
  const load = useCallback(
    (traceId: string, spanId: string, aroundMs: number) => {
      const key = `${traceId}/${spanId}`;
      if (asked.current.has(key)) return;
      asked.current.add(key);
      setPayloads((p) => ({ ...p, [key]: { status: 'loading' } }));
      api.invoke('traces.payload', { profileId, traceId, spanId, aroundMs }).then(
        (value) => setPayloads((p) => ({ ...p, [key]: { status: 'done', value } })),
        (e: unknown) => {
          asked.current.delete(key); // a failure may be asked again
          setPayloads((p) => ({ ...p, [key]: { status: 'error', error: errorText(e) } }));
        },
      );
    },
    [api, profileId],
  );
  const get = useCallback((traceId: string, spanId: string): PayloadState | null => payloads[`${traceId}/${spanId}`] ?? null, [payloads]);
  return { load, get };
}

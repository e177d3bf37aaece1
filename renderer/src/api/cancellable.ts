import type { MethodInput, MethodName, MethodOutput, TrayApi } from '../../../electron/shared/contract';
import { progressStore } from './query-progress';

/** The calls that take a queryId: they report query.progress and stop with query.cancel. */
export type ProgressiveMethod = Extract<MethodName, 'traces.search' | 'traces.requests' | 'traces.summary'>;

/**
 * A long contract call inside a queryFn: it gets its own queryId, its progress events go to the
 * store under `progressKey`, and when TanStack Query aborts it (a newer search, Cancel, the view
 * closing) the server is told to stop too. No progress event need ever come.
 */
export async function invokeCancellable<M extends ProgressiveMethod>(api: TrayApi, method: M, input: Omit<MethodInput<M>, 'queryId'>, signal: AbortSignal, progressKey: string): Promise<MethodOutput<M>> {
  const queryId = crypto.randomUUID();
  progressStore.start(progressKey);
  const off = api.on('query.progress', (p) => {
    if (p.queryId === queryId) progressStore.report(progressKey, p);
  });
  const onAbort = () => {
    progressStore.end(progressKey);
    // Best effort: the query may have just finished; either way the page has stopped waiting.
    api.invoke('query.cancel', { queryId }).catch(() => undefined);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await api.invoke(method, { ...input, queryId } as MethodInput<M>);
  } finally {
    off();
    signal.removeEventListener('abort', onAbort);
    if (!signal.aborted) progressStore.end(progressKey);
  }
}

import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { EventName, EventPayload, TrayApi } from '../../../electron/shared/contract';

const ApiContext = createContext<TrayApi | null>(null);

export function ApiProvider({ api, children }: { api: TrayApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): TrayApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

/** The latest payload of an event, seeded by an initial call; `set` takes a fresher value from a call's answer. */
export function useEventState<E extends EventName>(
  event: E,
  initial: () => Promise<EventPayload<E>>,
): { value: EventPayload<E> | null; error: string | null; set: (v: EventPayload<E>) => void } {
  const api = useApi();
  const [value, setValue] = useState<EventPayload<E> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    initial().then(
      (v) => live && setValue((current) => current ?? v),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    const off = api.on(event, (payload) => setValue(payload));
    return () => {
      live = false;
      off();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- subscribe once per event name
  }, [api, event]);
  return { value, error, set: setValue };
}

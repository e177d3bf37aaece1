import { useSyncExternalStore } from 'react';
import type { EventPayload } from '../../../electron/shared/contract';

export type Progress = EventPayload<'query.progress'>;
/** A running query: when it started (the page's clock) and the server's latest progress, if any came. */
export interface Running {
  startedAt: number;
  progress: Progress | null;
}

/** Running queries by their cache key's hash: the panel showing a query finds its progress by its key. */
const running = new Map<string, Running>();
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

export const progressStore = {
  start(key: string): void {
    running.set(key, { startedAt: Date.now(), progress: null });
    notify();
  },
  report(key: string, progress: Progress): void {
    const r = running.get(key);
    if (!r) return;
    running.set(key, { ...r, progress });
    notify();
  },
  end(key: string): void {
    if (running.delete(key)) notify();
  },
};

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => void listeners.delete(l);
};

/** The running query of this key (null when none runs). */
export function useRunning(key: string): Running | null {
  return useSyncExternalStore(subscribe, () => running.get(key) ?? null);
}

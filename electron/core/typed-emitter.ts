/** A tiny typed event hub: pollers and services emit, dispatchers listen. */
import { logger } from './log.js';

const log = logger('events');
export class TypedEmitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      // One faulty listener must not stop the others from hearing the event.
      try {
        (listener as (p: Events[K]) => void)(payload);
      } catch (error) {
        log.error(`listener for ${String(event)} failed`, error);
      }
    }
  }
}

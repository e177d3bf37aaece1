/**
 * The renderer's one TrayApi. It checks every input before sending and every answer
 * and event on arrival against the shared contract, whichever transport carries them.
 */
import {
  ApiErrorBody,
  ContractError,
  parseEvent,
  parseInput,
  parseOutput,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type TrayApi,
} from '../../../electron/shared/contract';
import './bridge-global';

interface Transport {
  kind: 'electron' | 'web';
  call(method: MethodName, input: unknown): Promise<unknown>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

function electronTransport(bridge: NonNullable<Window['clickstackTray']>): Transport {
  return {
    kind: 'electron',
    call: (method, input) => bridge.methods[method](input),
    subscribe: (event, listener) => bridge.on(event, listener),
  };
}

/**
 * The web bridge: one POST per call, one EventSource shared by all subscriptions. Both carry this
 * page's id, so the app stops the page's live tails when its event stream closes.
 */
function webTransport(): Transport {
  const pageId = crypto.randomUUID();
  let source: EventSource | null = null;
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  return {
    kind: 'web',
    async call(method, input) {
      const response = await fetch(`/api/call/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-clickstack-page': pageId },
        body: JSON.stringify(input),
        credentials: 'same-origin',
      });
      const body: unknown = await response.json().catch(() => null);
      if (!response.ok) {
        const parsed = ApiErrorBody.safeParse(body);
        if (parsed.success) throw new ContractError(parsed.data.error.code, parsed.data.error.message);
        throw new ContractError('internal', `The app answered ${response.status} without an explanation.`);
      }
      if (body === null || typeof body !== 'object' || !('result' in body)) throw new ContractError('internal', 'The app sent a malformed answer.');
      return (body as { result: unknown }).result;
    },
    subscribe(event, listener) {
      if (!source) {
        source = new EventSource(`/api/events?page=${pageId}`, { withCredentials: true });
        // The app drops a page that fell too far behind; the browser reconnects by itself. Events sent
        // meanwhile are gone, so live views are told to start afresh.
        let broken = false;
        source.addEventListener('error', () => (broken = true));
        source.addEventListener('open', () => {
          if (broken) window.dispatchEvent(new Event(STREAM_REOPENED));
          broken = false;
        });
      }
      let set = listeners.get(event);
      if (!set) {
        const fresh = new Set<(payload: unknown) => void>();
        listeners.set(event, fresh);
        source.addEventListener(event, (message) => {
          let data: unknown;
          try {
            data = JSON.parse((message as MessageEvent<string>).data);
          } catch {
            console.error(`The app sent a ${event} event that is not JSON; it was dropped.`);
            return;
          }
          for (const l of fresh) l(data);
        });
        set = fresh;
      }
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}

/** Dispatched on window when the event stream came back after a break (web bridge only). */
export const STREAM_REOPENED = 'clickstack:stream-reopened';

export function createTrayApi(): TrayApi {
  const transport = window.clickstackTray ? electronTransport(window.clickstackTray) : webTransport();
  return {
    transport: transport.kind,
    async invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      const checked = parseInput(method, input);
      return parseOutput(method, await transport.call(method, checked));
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      return transport.subscribe(event, (raw) => {
        try {
          listener(parseEvent(event, raw));
        } catch (error) {
          console.error(error);
        }
      });
    },
  };
}

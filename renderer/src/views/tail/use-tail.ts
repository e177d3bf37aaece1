import { useEffect, useRef, useState } from 'react';
import { useApi } from '../../api/context';
import { STREAM_REOPENED } from '../../api/tray-api';
import { errorText } from '../setup/use-profiles';
import type { Span } from '../traces/format';

/** How many spans the tail keeps; older ones drop off the end. */
export const TAIL_BUFFER = 5_000;

export interface TailFilter {
  query: string;
  allServices: boolean;
}

export interface Tail {
  spans: Span[];
  held: Span[];
  received: number;
  rate: number;
  /** The server confirmed this filter's session. */
  live: boolean;
  /** Why the tail is not reading right now (ClickHouse unreachable); it keeps retrying. */
  trouble: string | null;
  strategy: string | null;
  error: string | null;
  restarted: boolean;
  dismissRestarted: () => void;
  paused: boolean;
  pause: () => void;
  resume: () => void;
}

/** Spans per second over the last 10 s. */
function useRate(): { rate: number; count: (n: number) => void } {
  const arrivals = useRef<{ at: number; n: number }[]>([]);
  const [rate, setRate] = useState(0);
  const measure = useRef(() => {
    const since = Date.now() - 10_000;
    arrivals.current = arrivals.current.filter((a) => a.at >= since);
    setRate(arrivals.current.reduce((n, a) => n + a.n, 0) / 10);
  });
  useEffect(() => {
    const tick = window.setInterval(() => measure.current(), 1_000);
    return () => window.clearInterval(tick);
  }, []);
  return {
    rate,
    count: (n) => {
      arrivals.current.push({ at: Date.now(), n });
      measure.current();
    },
  };
}

/**
 * One live tail session per profile and filter: its spans newest first, held while paused, and
 * what the server says of it. Nothing else (opening a row, the drawer) restarts it.
 */
export function useTail(profileId: string | null, filter: TailFilter): Tail {
  const api = useApi();
  const [spans, setSpans] = useState<Span[]>([]);
  const [held, setHeld] = useState<Span[]>([]);
  const [paused, setPaused] = useState(false);
  const [received, setReceived] = useState(0);
  const [session, setSession] = useState<{ filter: TailFilter; id: string; strategy: string } | null>(null);
  const [trouble, setTrouble] = useState<{ sessionId: string; detail: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [restarted, setRestarted] = useState(false);
  const [generation, setGeneration] = useState(0);
  const { rate, count } = useRate();
  const counter = useRef(count);
  const pausedRef = useRef(paused);
  useEffect(() => {
    counter.current = count;
    pausedRef.current = paused;
  });

  // Events sent while the page's stream was broken are lost: start the tail again from the newest spans.
  useEffect(() => {
    const onReopen = () => {
      setRestarted(true);
      setGeneration((g) => g + 1);
    };
    window.addEventListener(STREAM_REOPENED, onReopen);
    return () => window.removeEventListener(STREAM_REOPENED, onReopen);
  }, []);

  useEffect(() => {
    if (!profileId) return;
    let sessionId: string | null = null;
    let active = true;
    const off = api.on('tail.batch', (b) => {
      if (b.sessionId !== sessionId) return;
      counter.current(b.spans.length);
      setReceived((n) => n + b.spans.length);
      // Newest arrivals on top, in start order within a batch.
      const incoming = [...b.spans].reverse();
      if (pausedRef.current) setHeld((h) => [...incoming, ...h].slice(0, TAIL_BUFFER));
      else setSpans((s) => [...incoming, ...s].slice(0, TAIL_BUFFER));
    });
    const offState = api.on('tail.state', (st) => {
      if (st.sessionId === sessionId) setTrouble(st.live ? null : { sessionId: st.sessionId, detail: st.detail });
    });
    api.invoke('tail.start', { profileId, query: filter.query, allServices: filter.allServices }).then(
      (r) => {
        if (!active) return void api.invoke('tail.stop', { sessionId: r.sessionId });
        sessionId = r.sessionId;
        setSpans(r.spans);
        setReceived(r.spans.length);
        setError(null);
        setSession({ filter, id: r.sessionId, strategy: r.strategy.detail });
      },
      (e: unknown) => {
        if (!active) return;
        setError(errorText(e));
        // The rows of the filter before would read as this one's answer under its error: they go.
        setSpans([]);
        setHeld([]);
        setReceived(0);
      },
    );
    return () => {
      active = false;
      off();
      offState();
      if (sessionId) void api.invoke('tail.stop', { sessionId });
    };
  }, [api, profileId, filter, generation]);

  const live = session?.filter === filter;
  return {
    spans,
    held,
    received,
    rate,
    live,
    trouble: live && trouble && trouble.sessionId === session.id ? trouble.detail : null,
    strategy: session?.strategy ?? null,
    error,
    restarted,
    dismissRestarted: () => setRestarted(false),
    paused,
    pause: () => setPaused(true),
    resume: () => {
      setSpans((s) => [...held, ...s].slice(0, TAIL_BUFFER));
      setHeld([]);
      setPaused(false);
    },
  };
}

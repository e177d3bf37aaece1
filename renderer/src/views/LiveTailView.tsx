import { useEffect, useRef, useState } from 'react';
import { useApi } from '../api/context';
import { ViewHeader } from '../components/ViewHeader';
import { errorText, useProfiles } from './setup/use-profiles';
import type { Span } from './traces/format';
import { SpanTable } from './traces/SpanTable';

/** How many spans the tail keeps; older ones drop off the end. */
export const TAIL_BUFFER = 5_000;

export function LiveTailView() {
  const api = useApi();
  const { state } = useProfiles();
  const profileId = state?.activeProfileId;
  const [query, setQuery] = useState('');
  const [applied, setApplied] = useState({ query: '', allServices: false });
  const [allServices, setAllServices] = useState(false);
  const [spans, setSpans] = useState<Span[]>([]);
  const [paused, setPaused] = useState(false);
  const [held, setHeld] = useState<Span[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [rate, setRate] = useState(0);
  const [follow, setFollow] = useState(true);
  // Which tail the server has confirmed; a new filter or profile is "starting" until its own answer.
  const [liveFor, setLiveFor] = useState<{ applied: object; profileId: string; sessionId: string } | null>(null);
  // Why the tail is not reading right now (ClickHouse unreachable); it keeps retrying.
  const [trouble, setTrouble] = useState<{ sessionId: string; detail: string } | null>(null);
  const arrivals = useRef<{ at: number; n: number }[]>([]);
  const pausedRef = useRef(paused);
  useEffect(() => {
    pausedRef.current = paused;
  }, [paused]);

  useEffect(() => {
    if (!profileId) return;
    let sessionId: string | null = null;
    let active = true;
    /** Spans per second over the last 10 s, redrawn on each batch and each second. */
    const measureRate = () => {
      const since = Date.now() - 10_000;
      arrivals.current = arrivals.current.filter((a) => a.at >= since);
      setRate(arrivals.current.reduce((n, a) => n + a.n, 0) / 10);
    };
    const off = api.on('tail.batch', (b) => {
      if (b.sessionId !== sessionId) return;
      arrivals.current.push({ at: Date.now(), n: b.spans.length });
      measureRate();
      // Newest arrivals on top, in start order within a batch.
      const incoming = [...b.spans].reverse();
      if (pausedRef.current) setHeld((h) => [...incoming, ...h].slice(0, TAIL_BUFFER));
      else setSpans((s) => [...incoming, ...s].slice(0, TAIL_BUFFER));
    });
    const offState = api.on('tail.state', (st) => {
      if (st.sessionId !== sessionId) return;
      setTrouble(st.live ? null : { sessionId: st.sessionId, detail: st.detail });
    });
    api.invoke('tail.start', { profileId, query: applied.query, allServices: applied.allServices }).then(
      (r) => {
        if (!active) return void api.invoke('tail.stop', { sessionId: r.sessionId });
        sessionId = r.sessionId;
        setSpans(r.spans);
        setError(null);
        setLiveFor({ applied, profileId, sessionId: r.sessionId });
      },
      (e: unknown) => active && setError(errorText(e)),
    );
    const tick = window.setInterval(measureRate, 1_000);
    return () => {
      active = false;
      off();
      offState();
      window.clearInterval(tick);
      if (sessionId) void api.invoke('tail.stop', { sessionId });
    };
  }, [api, profileId, applied]);

  const live = liveFor?.applied === applied && liveFor.profileId === profileId;
  const reconnecting = live && trouble !== null && trouble.sessionId === liveFor.sessionId;
  const resume = () => {
    setSpans((s) => [...held, ...s].slice(0, TAIL_BUFFER));
    setHeld([]);
    setPaused(false);
  };

  return (
    <>
      <ViewHeader title="Live tail" subtitle="Gateway spans as they reach ClickHouse; each span once, even when it arrives late." />
      <form
        className="card toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setSpans([]);
          setApplied({ query, allServices });
        }}
      >
        <input className="grow" value={query} onChange={(e) => setQuery(e.target.value)} placeholder='Filter, e.g. status:error OR duration:>5s model:"gpt-4o"' aria-label="Tail filter" />
        <button type="submit">Apply</button>
        <label className="check">
          <input type="checkbox" checked={allServices} onChange={(e) => setAllServices(e.target.checked)} /> All services
        </label>
        <button type="button" className="secondary" onClick={() => (paused ? resume() : setPaused(true))} data-testid="tail-pause">
          {paused ? `Resume (${held.length} waiting)` : 'Pause'}
        </button>
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <span className={`badge ${live && !paused && !reconnecting ? 'ok' : error || reconnecting ? 'bad' : 'warn'}`} data-testid="tail-state">
          <span className="dot" aria-hidden="true" />
          {live ? (reconnecting ? 'Reconnecting…' : paused ? 'Paused' : 'Live') : error ? 'Stopped' : 'Starting…'}
        </span>
        <span className="muted" data-testid="tail-rate">
          {rate.toFixed(1)} spans/s · {spans.length.toLocaleString()} shown
        </span>
      </form>
      {error ? (
        <div className="banner error" role="alert">
          {error}
        </div>
      ) : null}
      {reconnecting ? (
        <div className="banner warn" role="status" data-testid="tail-trouble">
          {trouble.detail} Nothing written meanwhile will be missed.
        </div>
      ) : null}
      <section className="card flush">
        <SpanTable
          follow={follow}
          spans={spans}
          height={520}
          label="Live spans"
          onOpen={(s) => {
            window.location.hash = `#/explore/trace/${s.traceId}`;
          }}
        />
        {spans.length === 0 && !error ? <p className="muted pad">Waiting for gateway spans… send a test trace from the Health view to see one.</p> : null}
      </section>
    </>
  );
}

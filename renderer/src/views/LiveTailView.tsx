import { useEffect, useMemo, useRef, useState } from 'react';
import { rollupRequest } from '../../../electron/shared/request-row';
import { useApi } from '../api/context';
import { STREAM_REOPENED } from '../api/tray-api';
import { ViewHeader } from '../components/ViewHeader';
import { errorText, useProfiles } from './setup/use-profiles';
import { traceHref, type Span } from './traces/format';
import { RequestTable, type Request } from './traces/RequestTable';
import { SpanTable } from './traces/SpanTable';
import { usePricedRequests } from './traces/use-prices';

/**
 * Spans folded into requests as they land, the most recently updated first: a streaming
 * call's root that arrives minutes after its Model span moves its row back to the top.
 */
export function foldRequests(spans: Span[]): Request[] {
  const byTrace = new Map<string, Span[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list) list.push(s);
    else byTrace.set(s.traceId, [s]);
  }
  // Map order is first-seen order, and `spans` is newest arrival first.
  return [...byTrace.values()].map(rollupRequest);
}

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
  const [mode, setMode] = useState<'requests' | 'spans'>('requests');
  const folded = useMemo(() => (mode === 'requests' ? foldRequests(spans) : []), [mode, spans]);
  const requests = usePricedRequests(folded);
  // Which tail the server has confirmed; a new filter or profile is "starting" until its own answer.
  const [liveFor, setLiveFor] = useState<{ applied: object; profileId: string; sessionId: string } | null>(null);
  // Why the tail is not reading right now (ClickHouse unreachable); it keeps retrying.
  const [trouble, setTrouble] = useState<{ sessionId: string; detail: string } | null>(null);
  const arrivals = useRef<{ at: number; n: number }[]>([]);
  const [restarted, setRestarted] = useState(false);
  /** Every span this tail session delivered; the view keeps the newest TAIL_BUFFER of them. */
  const [received, setReceived] = useState(0);
  const [strategy, setStrategy] = useState<string | null>(null);
  // Events sent while the page's stream was broken are lost: start the tail again from the newest spans.
  useEffect(() => {
    const onReopen = () => {
      setRestarted(true);
      setApplied((a) => ({ ...a }));
    };
    window.addEventListener(STREAM_REOPENED, onReopen);
    return () => window.removeEventListener(STREAM_REOPENED, onReopen);
  }, []);
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
      setReceived((n) => n + b.spans.length);
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
        setReceived(r.spans.length);
        setStrategy(r.strategy.detail);
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
      <ViewHeader title="Live tail" subtitle="Gateway requests as their spans reach ClickHouse; each span once, even when it arrives late." />
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
        <div className="seg" role="group" aria-label="Show">
          {(['requests', 'spans'] as const).map((m) => (
            <button key={m} type="button" className={mode === m ? 'small' : 'secondary small'} aria-pressed={mode === m} data-testid={`tail-mode-${m}`} onClick={() => setMode(m)}>
              {m === 'requests' ? 'Requests' : 'Spans'}
            </button>
          ))}
        </div>
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
        <span className="muted" data-testid="tail-rate" data-spans={spans.length} data-requests={requests.length} data-received={received}>
          {rate.toFixed(1)} spans/s · {mode === 'requests' ? `${requests.length.toLocaleString()} requests from ${spans.length.toLocaleString()} spans` : `${spans.length.toLocaleString()} shown`}
        </span>
      </form>
      {error ? (
        <div className="banner error" role="alert">
          {error}
        </div>
      ) : null}
      {strategy ? (
        <p className="muted pad small" data-testid="tail-strategy">
          {strategy}
        </p>
      ) : null}
      {received > spans.length + held.length ? (
        <p className="muted pad small" data-testid="tail-dropped">
          Showing the newest {spans.length.toLocaleString()} of {received.toLocaleString()} spans this tail delivered; the {(received - spans.length - held.length).toLocaleString()} older ones
          left the view (none was skipped: Explore has them all).
        </p>
      ) : null}
      {restarted ? (
        <div className="banner warn" role="status" data-testid="tail-restarted">
          The page's connection to the app was interrupted, so the tail started again from the newest spans; use Explore for the gap.
          <button type="button" className="secondary small" onClick={() => setRestarted(false)}>
            Dismiss
          </button>
        </div>
      ) : null}
      {reconnecting ? (
        <div className="banner warn" role="status" data-testid="tail-trouble">
          {trouble.detail} Nothing written meanwhile will be missed.
        </div>
      ) : null}
      <section className="card flush">
        {mode === 'requests' ? (
          <RequestTable follow={follow} requests={requests} height={520} label="Live requests" onOpen={(r) => (window.location.hash = traceHref(r.traceId, r.tsNs))} />
        ) : (
          <SpanTable
            follow={follow}
            spans={spans}
            height={520}
            label="Live spans"
            onOpen={(s) => {
              window.location.hash = traceHref(s.traceId, s.tsNs);
            }}
          />
        )}
        {spans.length === 0 && !error ? <p className="muted pad">Waiting for gateway traffic… send a test trace from the Health view to see one.</p> : null}
      </section>
    </>
  );
}

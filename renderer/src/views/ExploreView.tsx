import { useCallback, useEffect, useRef, useState } from 'react';
import type { TrafficSummary } from '../../../electron/shared/contract';
import type { z } from 'zod';
import { useApi } from '../api/context';
import { remember, SearchBox } from '../components/SearchBox';
import { ViewHeader } from '../components/ViewHeader';
import { ConversationView } from './explore/ConversationView';
import { SummaryPanel } from './explore/SummaryPanel';
import { errorText, useProfiles } from './setup/use-profiles';
import { plural, traceHref, type Span } from './traces/format';
import { RequestTable, type Request } from './traces/RequestTable';
import { SpanTable } from './traces/SpanTable';
import { TraceView } from './traces/TraceView';
import { exploreSearchFromHash } from '../../../electron/shared/alert-rules';

const RANGES = [
  ['15m', 15 * 60_000],
  ['1h', 3600_000],
  ['6h', 6 * 3600_000],
  ['24h', 24 * 3600_000],
  ['7d', 7 * 24 * 3600_000],
] as const;

type Mode = 'requests' | 'spans';

type Route = { kind: 'list' } | { kind: 'trace'; id: string; aroundMs?: number } | { kind: 'conversation'; id: string };

function routeFromHash(): Route {
  const trace = /^#\/explore\/trace\/([0-9a-f]{32})(?:@(\d{1,16}))?$/.exec(window.location.hash);
  if (trace) return { kind: 'trace', id: trace[1]!, aroundMs: trace[2] ? Number(trace[2]) : undefined };
  const convo = /^#\/explore\/conversation\/(.+)$/.exec(window.location.hash);
  if (convo) {
    try {
      return { kind: 'conversation', id: decodeURIComponent(convo[1]!) };
    } catch {
      return { kind: 'list' };
    }
  }
  return { kind: 'list' };
}

export function ExploreView() {
  const api = useApi();
  const { state } = useProfiles();
  const profileId = state?.activeProfileId;
  // A link to a search (an alert's notification, #/explore/?q=…&from=…&to=…): its query, over the shortest range that holds its window.
  const [linked] = useState(() => exploreSearchFromHash(window.location.hash));
  const [query, setQuery] = useState(linked?.query ?? '');
  const [range, setRange] = useState<number>(() => (linked ? (RANGES.find(([, ms]) => ms >= Date.now() - linked.fromMs)?.[1] ?? RANGES[RANGES.length - 1]![1]) : 3600_000));
  const [allServices, setAllServices] = useState(false);
  const [mode, setMode] = useState<Mode>('requests');
  const [language, setLanguage] = useState<'lucene' | 'sql'>('lucene');
  const [spans, setSpans] = useState<Span[]>([]);
  const [requests, setRequests] = useState<Request[]>([]);
  const [info, setInfo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The query the shown results answer (it differs from the input while the user types or a search runs).
  const [shownQuery, setShownQuery] = useState<string | null>(null);
  const [summary, setSummary] = useState<z.infer<typeof TrafficSummary> | null>(null);
  const [summaryBusy, setSummaryBusy] = useState(false);
  const [summaryError, setSummaryError] = useState<string | null>(null);
  const [route, setRoute] = useState<Route>(routeFromHash);
  // Only the latest search may fill the table: an earlier, slower answer must not overwrite it.
  const latest = useRef(0);
  const latestSummary = useRef(0);

  useEffect(() => {
    const onHash = () => setRoute(routeFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const run = (q = query, m = mode) => {
    if (!profileId) return;
    const toMs = Date.now();
    const fromMs = toMs - range;
    setBusy(true);
    setError(null);
    const ticket = ++latest.current;
    const answer =
      m === 'requests'
        ? api.invoke('traces.requests', { profileId, query: q, fromMs, toMs, allServices, limit: 500, language }).then((r) => {
            if (ticket !== latest.current) return;
            setRequests(r.requests);
            setInfo(`${plural(r.requests.length, 'request')}${r.truncated ? '+' : ''} · read ${r.rowsRead.toLocaleString()} rows in ${r.elapsedMs} ms`);
          })
        : api.invoke('traces.search', { profileId, query: q, fromMs, toMs, allServices, limit: 500, language }).then((r) => {
            if (ticket !== latest.current) return;
            setSpans(r.spans);
            setInfo(`${plural(r.spans.length, 'span')}${r.truncated ? '+' : ''} · read ${r.rowsRead.toLocaleString()} rows in ${r.elapsedMs} ms`);
          });
    if (language === 'lucene') remember(q);
    answer
      .then(() => ticket === latest.current && setShownQuery(q))
      .catch((e: unknown) => ticket === latest.current && setError(errorText(e)))
      .finally(() => ticket === latest.current && setBusy(false));
  };

  // The summaries follow the range, in their own request: a search never waits for them.
  const summarise = useCallback(() => {
    if (!profileId) return;
    const toMs = Date.now();
    const ticket = ++latestSummary.current;
    setSummaryBusy(true);
    setSummaryError(null);
    api
      .invoke('traces.summary', { profileId, fromMs: toMs - range, toMs, allServices })
      .then((s) => ticket === latestSummary.current && setSummary(s))
      .catch((e: unknown) => ticket === latestSummary.current && setSummaryError(errorText(e)))
      .finally(() => ticket === latestSummary.current && setSummaryBusy(false));
  }, [api, profileId, range, allServices]);

  // What the box says when the profile arrives: a search typed (or submitted) while profiles load is kept.
  const typed = useRef(query);
  useEffect(() => {
    typed.current = query;
  }, [query]);

  useEffect(() => {
    if (!profileId) return;
    const t = window.setTimeout(() => run(typed.current), 0);
    return () => window.clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- first load per profile
  }, [profileId]);

  useEffect(() => {
    const t = window.setTimeout(summarise, 0);
    return () => window.clearTimeout(t);
  }, [summarise]);

  const drill = (q: string) => {
    setLanguage('lucene');
    setQuery(q);
    setMode('requests');
    window.location.hash = '#/explore';
    run(q, 'requests');
  };

  const openTrace = (traceId: string, tsNs: string) => (window.location.hash = traceHref(traceId, tsNs));

  return (
    <>
      <ViewHeader title="Explore" subtitle="Search the gateway's requests and spans, open any trace or conversation, compare models, users and tools." />
      {route.kind === 'trace' ? <TraceView traceId={route.id} aroundMs={route.aroundMs} onClose={() => (window.location.hash = '#/explore')} /> : null}
      {route.kind === 'conversation' && profileId ? <ConversationView profileId={profileId} conversationId={route.id} onClose={() => (window.location.hash = '#/explore')} /> : null}
      <form
        className="card toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <SearchBox profileId={profileId} value={query} onChange={setQuery} language={language} onLanguage={setLanguage} placeholder='e.g. StatusCode:Error SpanAttributes.tfy.request.model_name:"openai-main/gpt-4o" or model:gpt-4o duration:>2s' />
        <select value={range} onChange={(e) => setRange(Number(e.target.value))} aria-label="Time range">
          {RANGES.map(([label, ms]) => (
            <option key={label} value={ms}>
              Last {label}
            </option>
          ))}
        </select>
        <div className="seg" role="group" aria-label="Show">
          {(['requests', 'spans'] as const).map((m) => (
            <button
              key={m}
              type="button"
              className={mode === m ? 'small' : 'secondary small'}
              aria-pressed={mode === m}
              data-testid={`mode-${m}`}
              onClick={() => {
                setMode(m);
                run(query, m);
              }}
            >
              {m === 'requests' ? 'Requests' : 'Spans'}
            </button>
          ))}
        </div>
        <label className="check">
          <input type="checkbox" checked={allServices} onChange={(e) => setAllServices(e.target.checked)} data-testid="all-services" /> All services
        </label>
        {/* Enabled while a search runs: a newer search replaces a slow one (only the latest answer is shown). */}
        <button type="submit" disabled={!profileId} title={profileId ? undefined : 'Loading profiles…'}>
          Search
        </button>
        {busy ? (
          <span className="muted" role="status" data-testid="search-busy">
            Searching…
          </span>
        ) : info ? (
          <span className="muted">{info}</span>
        ) : null}
      </form>
      {error ? (
        <div className="banner error" role="alert" data-testid="search-error">
          {error}
        </div>
      ) : null}
      <section className="card flush" aria-busy={busy} data-testid="search-results" data-query={shownQuery ?? undefined} data-mode={mode} data-count={mode === 'requests' ? requests.length : spans.length}>
        {mode === 'requests' ? (
          <>
            <RequestTable requests={requests} height={380} label="Requests" onOpen={(r) => openTrace(r.traceId, r.tsNs)} />
            {requests.length === 0 && !error && !busy ? <p className="muted pad">No requests match in this range. A request is a gateway trace whose root span started in the range; switch to Spans to see every span.</p> : null}
          </>
        ) : (
          <>
            <SpanTable spans={spans} height={380} label="Search results" onOpen={(s) => openTrace(s.traceId, s.tsNs)} />
            {spans.length === 0 && !error && !busy ? <p className="muted pad">No spans match in this range.</p> : null}
          </>
        )}
      </section>
      <SummaryPanel summary={summary} busy={summaryBusy} error={summaryError} onSearch={drill} onRefresh={summarise} />
    </>
  );
}

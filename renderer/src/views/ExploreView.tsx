import { useEffect, useRef, useState } from 'react';
import type { ModelSummaryRow } from '../../../electron/shared/contract';
import type { z } from 'zod';
import { useApi } from '../api/context';
import { ViewHeader } from '../components/ViewHeader';
import { errorText, useProfiles } from './setup/use-profiles';
import { fmtCost, fmtNum, type Span } from './traces/format';
import { SpanTable } from './traces/SpanTable';
import { TraceView } from './traces/TraceView';

const RANGES = [
  ['15m', 15 * 60_000],
  ['1h', 3600_000],
  ['6h', 6 * 3600_000],
  ['24h', 24 * 3600_000],
  ['7d', 7 * 24 * 3600_000],
] as const;

function traceFromHash(): string | null {
  const m = /^#\/explore\/trace\/([0-9a-f]{32})$/.exec(window.location.hash);
  return m ? m[1]! : null;
}

function ModelSummary({ rows }: { rows: z.infer<typeof ModelSummaryRow>[] }) {
  if (!rows.length) return <p className="muted">No model calls in this range.</p>;
  const maxReq = Math.max(...rows.map((r) => r.requests));
  return (
    <table className="history models" aria-label="Per-model summary">
      <thead>
        <tr>
          <th>Model</th>
          <th>Requests</th>
          <th>Errors</th>
          <th>p50</th>
          <th>p95</th>
          <th>Tokens in / out</th>
          <th>Cost</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.model}>
            <td>{r.model}</td>
            <td>
              <span className="inline-bar" style={{ width: `${(r.requests / maxReq) * 80}px` }} /> {fmtNum(r.requests)}
            </td>
            <td className={r.errorRate > 0 ? 'error-text' : ''}>{(r.errorRate * 100).toFixed(1)}%</td>
            <td>{fmtNum(r.p50Ms)} ms</td>
            <td>{fmtNum(r.p95Ms)} ms</td>
            <td>
              {fmtNum(r.inputTokens)} / {fmtNum(r.outputTokens)}
            </td>
            <td>{fmtCost(r.costUsd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ExploreView() {
  const api = useApi();
  const { state } = useProfiles();
  const profileId = state?.activeProfileId;
  const [query, setQuery] = useState('');
  const [range, setRange] = useState<number>(3600_000);
  const [allServices, setAllServices] = useState(false);
  const [spans, setSpans] = useState<Span[]>([]);
  const [info, setInfo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The query the shown results answer (it differs from the input while the user types or a search runs).
  const [shownQuery, setShownQuery] = useState<string | null>(null);
  const [models, setModels] = useState<z.infer<typeof ModelSummaryRow>[]>([]);
  const [trace, setTrace] = useState<string | null>(traceFromHash);
  // Only the latest search may fill the table: an earlier, slower answer must not overwrite it.
  const latest = useRef(0);

  useEffect(() => {
    const onHash = () => setTrace(traceFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const run = (q = query) => {
    if (!profileId) return;
    const toMs = Date.now();
    const fromMs = toMs - range;
    setBusy(true);
    setError(null);
    const ticket = ++latest.current;
    Promise.all([api.invoke('traces.search', { profileId, query: q, fromMs, toMs, allServices, limit: 500 }), api.invoke('traces.models', { profileId, fromMs, toMs })])
      .then(([r, m]) => {
        if (ticket !== latest.current) return;
        setSpans(r.spans);
        setShownQuery(q);
        setModels(m);
        setInfo(`${r.spans.length}${r.truncated ? '+' : ''} spans · read ${r.rowsRead.toLocaleString()} rows in ${r.elapsedMs} ms`);
      })
      .catch((e: unknown) => ticket === latest.current && setError(errorText(e)))
      .finally(() => ticket === latest.current && setBusy(false));
  };

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

  return (
    <>
      <ViewHeader title="Explore" subtitle="Search spans, open any trace as a waterfall, compare models." />
      {trace ? (
        <TraceView
          traceId={trace}
          onClose={() => {
            window.location.hash = '#/explore';
          }}
        />
      ) : null}
      <form
        className="card toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <input className="grow" value={query} onChange={(e) => setQuery(e.target.value)} placeholder='e.g. status:error AND model:"openai-main/gpt-4o" duration:>2s' aria-label="Search" data-testid="search-input" />
        <select value={range} onChange={(e) => setRange(Number(e.target.value))} aria-label="Time range">
          {RANGES.map(([label, ms]) => (
            <option key={label} value={ms}>
              Last {label}
            </option>
          ))}
        </select>
        <label className="check">
          <input type="checkbox" checked={allServices} onChange={(e) => setAllServices(e.target.checked)} /> All services
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
      <section className="card flush" aria-busy={busy} data-testid="search-results" data-query={shownQuery ?? undefined}>
        <SpanTable spans={spans} height={360} label="Search results" onOpen={(s) => (window.location.hash = `#/explore/trace/${s.traceId}`)} />
        {spans.length === 0 && !error && !busy ? <p className="muted pad">No spans match in this range.</p> : null}
      </section>
      <section className="card">
        <h2>Models</h2>
        <ModelSummary rows={models} />
      </section>
    </>
  );
}

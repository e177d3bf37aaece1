import { useEffect, useMemo, useState } from 'react';
import { hyperdxSearchUrl } from '../../../../electron/shared/hyperdx-url';
import { useApi } from '../../api/context';
import { IdCardHead } from '../../components/IdCardHead';
import { VirtualList } from '../../components/VirtualList';
import { errorText, useProfiles } from '../setup/use-profiles';
import { formatDuration, formatTime } from './format';
import { LlmPanel } from './LlmPanel';
import { buildWaterfall, toOtlpJson, type FullSpan } from './waterfall';

function KeyValues({ title, values }: { title: string; values: Record<string, string> }) {
  const entries = Object.entries(values).sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) return null;
  return (
    <details open>
      <summary>
        {title} ({entries.length})
      </summary>
      <dl className="kv">
        {entries.map(([k, v]) => (
          <div key={k}>
            <dt title={k}>{k}</dt>
            <dd>
              <code>{v}</code>
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

export function TraceView({ traceId, aroundMs, onClose }: { traceId: string; aroundMs?: number; onClose: () => void }) {
  const api = useApi();
  const { state } = useProfiles();
  const profile = state?.profiles.find((p) => p.id === state.activeProfileId);
  const [spans, setSpans] = useState<FullSpan[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    if (!state) return;
    let live = true;
    api.invoke('traces.get', { profileId: state.activeProfileId, traceId, aroundMs }).then(
      (r) => {
        if (!live) return;
        setSpans(r.spans);
        setSelected(r.spans.find((s) => !s.parentSpanId)?.spanId ?? r.spans[0]?.spanId ?? null);
        document.getElementById('root')?.setAttribute('data-trace-state', 'rendered');
      },
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
      document.getElementById('root')?.removeAttribute('data-trace-state');
    };
  }, [api, state?.activeProfileId, traceId, aroundMs]); // eslint-disable-line react-hooks/exhaustive-deps -- reload on profile or trace only

  const model = useMemo(() => (spans ? buildWaterfall(spans, collapsed, filter) : null), [spans, collapsed, filter]);
  const span = spans?.find((s) => s.spanId === selected) ?? null;
  const total = model ? Math.max(1, model.traceEndNs - model.traceStartNs) : 1;
  const hyperdx = profile && model ? hyperdxSearchUrl(profile, { where: `TraceId:"${traceId}"`, whereLanguage: 'lucene', fromMs: model.traceStartNs / 1e6 - 3_600_000, toMs: model.traceEndNs / 1e6 + 3_600_000, traceId }) : null; // the trace's own time ±1 h, once its spans are in

  const exportJson = () => {
    if (!spans) return;
    const url = URL.createObjectURL(new Blob([toOtlpJson(spans)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `trace-${traceId}.json`;
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <section className="card trace" aria-label={`Trace ${traceId}`} data-testid="trace-view">
      <IdCardHead what="Trace" id={traceId} onClose={onClose}>
        {hyperdx ? (
          <a className="button secondary small" href={hyperdx} target="_blank" rel="noreferrer">
            Open in HyperDX
          </a>
        ) : null}
        <button type="button" className="secondary small" onClick={exportJson} disabled={!spans}>
          Export OTLP/JSON
        </button>
      </IdCardHead>
      {error ? <p className="error-text">{error}</p> : null}
      {spans && spans.length === 0 ? <p className="muted">No spans of this trace were found in the last 30 days.</p> : null}
      {model && spans?.length ? (
        <>
          <div className="row">
            <input value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Filter spans in this trace" aria-label="Filter spans in this trace" />
            <span className="muted">
              {spans.length.toLocaleString()} spans · {formatDuration(total)}
            </span>
          </div>
          <div className="trace-layout">
            <VirtualList
              label="Waterfall"
              count={model.rows.length}
              rowHeight={26}
              height={Math.min(560, Math.max(120, model.rows.length * 26 + 4))}
              renderRow={(i) => {
                const r = model.rows[i]!;
                const left = (r.startNs / total) * 100;
                const width = Math.max(0.3, (r.durationNs / total) * 100);
                return (
                  <div className={`wf-row ${r.span.spanId === selected ? 'selected' : ''} ${r.span.status === 'error' ? 'is-error' : ''}`} data-testid="wf-row">
                    <span className="wf-name" style={{ paddingLeft: 4 + r.depth * 14 }}>
                      {r.hasChildren ? (
                        <button
                          type="button"
                          className="twisty"
                          aria-label={collapsed.has(r.span.spanId) ? `Expand ${r.span.name}` : `Collapse ${r.span.name}`}
                          aria-expanded={!collapsed.has(r.span.spanId)}
                          onClick={() =>
                            setCollapsed((c) => {
                              const n = new Set(c);
                              if (n.has(r.span.spanId)) n.delete(r.span.spanId);
                              else n.add(r.span.spanId);
                              return n;
                            })
                          }
                        >
                          {collapsed.has(r.span.spanId) ? '▸' : '▾'}
                        </button>
                      ) : (
                        <span className="twisty" />
                      )}
                      <button type="button" className="linklike" onClick={() => setSelected(r.span.spanId)}>
                        {r.span.name}
                      </button>
                    </span>
                    <span className="wf-track">
                      <span className="wf-bar" style={{ left: `${left}%`, width: `${width}%` }} title={formatDuration(r.durationNs)} />
                    </span>
                    <span className="wf-dur">{formatDuration(r.durationNs)}</span>
                  </div>
                );
              }}
            />
            {span ? (
              <aside className="span-panel" aria-label="Span details" data-testid="span-panel">
                <h3>{span.name}</h3>
                <p className="muted">
                  {span.service} · {span.kind} · {formatTime(span.ts)} · {formatDuration(span.durationNs)} · <span className={`status-${span.status}`}>{span.status}</span>
                </p>
                {span.statusMessage ? <p className="error-text">{span.statusMessage}</p> : null}
                {state ? <LlmPanel span={span} spans={spans!} profileId={state.activeProfileId} /> : null}
                <KeyValues title="Attributes" values={span.attributes} />
                <KeyValues title="Resource" values={span.resource} />
                {span.events.length ? (
                  <details open>
                    <summary>Events ({span.events.length})</summary>
                    {span.events.map((e, i) => (
                      <div key={i} className="event">
                        <strong>{e.name}</strong> <span className="muted">{formatTime(e.ts)}</span>
                        <KeyValues title="Attributes" values={e.attributes} />
                      </div>
                    ))}
                  </details>
                ) : null}
                {span.links.length ? (
                  <details open>
                    <summary>Links ({span.links.length})</summary>
                    {span.links.map((l, i) => (
                      <p key={i}>
                        <a href={`#/explore/trace/${l.traceId}`}>
                          <code>{l.traceId}</code>
                        </a>{' '}
                        span <code>{l.spanId}</code>
                      </p>
                    ))}
                  </details>
                ) : null}
              </aside>
            ) : null}
          </div>
        </>
      ) : null}
    </section>
  );
}

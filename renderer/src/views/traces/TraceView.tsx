import { useCallback, useEffect, useMemo, useState } from 'react';
import { hyperdxSearchUrl } from '../../../../electron/shared/hyperdx-url';
import { fullSpansOf, rollupSpansOf } from '../../../../electron/shared/trace-columns';
import { useContractQuery } from '../../api/contract-query';
import { IdCardHead } from '../../components/IdCardHead';
import { errorText, useProfiles } from '../setup/use-profiles';
import { formatDuration } from './format';
import { toOtlpJson } from './otlp-export';
import { SpanDetail } from './SpanDetail';
import { buildTree, filterTexts, matchFilter, revealed, spanAt, visibleRows, type TraceTree } from '../../../../electron/shared/trace-tree';
import type { FullSpan } from './waterfall';
import { WaterfallGrid } from './WaterfallGrid';

export interface TraceViewProps {
  traceId: string;
  aroundMs?: number;
  onClose: () => void;
  /** The open span, when the host keeps it (e.g. in the URL); without it the view keeps its own, starting at the root. */
  selectedSpanId?: string;
  /** A span was selected (click, Enter), or null when `selectedSpanId` names no span of this trace. */
  onSelectSpan?: (spanId: string | null) => void;
}

interface Loaded {
  spans: FullSpan[];
  /** The spans the root's request rollup reads (rollupSpansOf). */
  rollupSpans: FullSpan[];
  /** Spans the trace holds: more than `spans.length` when the app's cap cut it. */
  total: number;
}

/** A closed trace stays cached this long (Back reopens it at once), not the default five minutes: a 50,000-span trace is large. */
const TRACE_CACHE_MS = 60_000;

export function TraceView({ traceId, aroundMs, onClose, selectedSpanId, onSelectSpan }: TraceViewProps) {
  const { state } = useProfiles();
  const profile = state?.profiles.find((p) => p.id === state.activeProfileId);
  // Answers and the own selection belong to one request (profile, trace): another trace starts afresh.
  const key = `${state?.activeProfileId ?? ''}:${traceId}:${aroundMs ?? ''}`;
  const query = useContractQuery('traces.get', state ? { profileId: state.activeProfileId, traceId, aroundMs } : null, { gcTime: TRACE_CACHE_MS });
  const loaded = useMemo<Loaded | null>(() => {
    const r = query.data;
    if (!r) return null;
    const spans = fullSpansOf(r);
    return { spans, rollupSpans: rollupSpansOf(r, spans), total: Math.max(r.spanId.length, r.traceSpans) };
  }, [query.data]);
  const error = query.error ? errorText(query.error) : null;
  const [filter, setFilter] = useState('');
  const [own, setOwn] = useState<{ key: string; spanId: string } | null>(null);
  const ownSelection = own?.key === key ? own.spanId : null;

  // Built once per trace; collapse and filter below are passes over its arrays.
  const tree = useMemo(() => (loaded ? buildTree(loaded.spans) : null), [loaded]);
  // Collapse flags by depth-first position, belonging to one tree: a new trace starts all open.
  const [fold, setFold] = useState<{ tree: TraceTree | null; flags: Uint8Array }>({ tree: null, flags: new Uint8Array(0) });
  const collapsed = useMemo(() => (fold.tree === tree ? fold.flags : new Uint8Array(tree?.order.length ?? 0)), [fold, tree]);
  const setCollapsed = useCallback((change: (flags: Uint8Array) => Uint8Array) => setFold((f) => ({ tree, flags: change(f.tree === tree ? f.flags : new Uint8Array(tree?.order.length ?? 0)) })), [tree]);
  // The filter's lower-cased texts, made on the first filter rather than for every trace opened.
  const textsOf = useMemo(() => {
    let texts: string[] | null = null;
    return () => (texts ??= tree ? filterTexts(tree) : []);
  }, [tree]);
  const matches = useMemo(() => (tree ? matchFilter(textsOf, filter) : null), [tree, textsOf, filter]);
  const rows = useMemo(() => (tree ? visibleRows(tree, collapsed, matches) : new Int32Array(0)), [tree, collapsed, matches]);

  const rootId = tree && tree.order.length ? spanAt(tree, 0).spanId : null;
  const selectedId = selectedSpanId ?? ownSelection ?? rootId;
  const selectedPos = tree && selectedId !== null ? (tree.positionOf.get(selectedId) ?? null) : null;

  // A selection from the host naming no span of this trace is handed back, so a stale link can be dropped.
  useEffect(() => {
    if (tree && selectedSpanId !== undefined && !tree.positionOf.has(selectedSpanId)) onSelectSpan?.(null);
  }, [tree, selectedSpanId]); // eslint-disable-line react-hooks/exhaustive-deps -- once per trace and selection
  // A span the host selects is shown even if a collapsed ancestor hid it (adjusted while rendering, once per new selection).
  const [revealedFor, setRevealedFor] = useState<string | null>(null);
  if (tree && selectedSpanId !== undefined && selectedSpanId !== revealedFor && selectedPos !== null) {
    setRevealedFor(selectedSpanId);
    setCollapsed((c) => revealed(tree, c, selectedPos));
  }

  // Tests and bench:tail wait on this marker: set once the answer's rows are in the page (they render with it).
  const ready = loaded !== null;
  useEffect(() => {
    if (!ready) return;
    const root = document.getElementById('root');
    root?.setAttribute('data-trace-state', 'rendered');
    return () => root?.removeAttribute('data-trace-state');
  }, [ready, traceId]);

  const select = useCallback(
    (pos: number) => {
      if (!tree) return;
      const id = spanAt(tree, pos).spanId;
      setOwn({ key, spanId: id });
      onSelectSpan?.(id);
    },
    [tree, key, onSelectSpan],
  );
  const toggle = useCallback(
    (pos: number) =>
      setCollapsed((c) => {
        const next = c.slice();
        next[pos] = next[pos] ? 0 : 1;
        return next;
      }),
    [setCollapsed],
  );

  const span = tree && selectedPos !== null ? spanAt(tree, selectedPos) : null;
  const hyperdx = profile && tree ? hyperdxSearchUrl(profile, { where: `TraceId:"${traceId}"`, whereLanguage: 'lucene', fromMs: tree.startMs - 3_600_000, toMs: tree.startMs + tree.totalNs / 1e6 + 3_600_000, traceId }) : null; // the trace's own time ±1 h, once its spans are in

  const exportJson = () => {
    if (!loaded) return;
    const url = URL.createObjectURL(new Blob([toOtlpJson(loaded.spans)], { type: 'application/json' }));
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
        <button type="button" className="secondary small" onClick={exportJson} disabled={!loaded}>
          Export OTLP/JSON
        </button>
      </IdCardHead>
      {error ? <p className="error-text">{error}</p> : null}
      {!loaded && !error ? <p className="muted">Loading the trace…</p> : null}
      {loaded && loaded.spans.length === 0 ? <p className="muted">No spans of this trace were found in the last 30 days.</p> : null}
      {tree && loaded && loaded.spans.length ? (
        <>
          <div className="row">
            <input className="trace-filter" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Filter spans: name, service, attribute" aria-label="Filter spans in this trace" />
            <span className="muted" data-testid="trace-counts">
              {matches ? `${rows.length.toLocaleString()} of ` : ''}
              {loaded.spans.length.toLocaleString()} spans · {formatDuration(tree.totalNs)}
            </span>
          </div>
          {loaded.total > loaded.spans.length ? (
            <p className="trace-note" role="status" data-testid="trace-cut">
              Showing the first {loaded.spans.length.toLocaleString()} of {loaded.total.toLocaleString()} spans (by start time); the rest are not loaded.
            </p>
          ) : null}
          <div className="trace-body">
            <WaterfallGrid tree={tree} rows={rows} collapsed={collapsed} filter={filter.trim().toLowerCase()} selectedPos={selectedPos} onToggle={toggle} onSelect={select} idPrefix={`wf-${traceId}`} />
            {span ? <SpanDetail span={span} rollupSpans={loaded.rollupSpans} profileId={state?.activeProfileId ?? null} /> : null}
          </div>
        </>
      ) : null}
    </section>
  );
}

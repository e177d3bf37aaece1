import { hashKey, useQueryClient } from '@tanstack/react-query';
import type { KeyboardEvent } from 'react';
import { summaryKey, useSummary, useSummaryPreview, wasCancelled, type SearchWindow } from '../../api/explore-queries';
import { QueryStatus } from '../../components/QueryStatus';
import type { SummaryTab } from '../../routes/search-params';
import { fmtCount, plural } from '../traces/format';
import { McpTable } from './McpTable';
import { ModelsTable } from './ModelsTable';
import { SummaryCharts } from './SummaryCharts';
import { fmtMs, fmtSpan, pct, type Summary } from './summary-bits';
import { UsersTable } from './UsersTable';

const TABS: [SummaryTab, string][] = [
  ['models', 'Models'],
  ['users', 'Users'],
  ['mcp', 'MCP tools'],
  ['time', 'Over time'],
];

/**
 * The tabs pattern of WAI-ARIA by hand (one tab stop; ←/→ move and select, Home/End the ends): the
 * app's only tab list, not worth an accessible-widgets library of its own.
 */
function onTabKey(e: KeyboardEvent<HTMLButtonElement>, tab: SummaryTab, onTab: (t: SummaryTab) => void): void {
  const at = TABS.findIndex(([id]) => id === tab);
  const to = e.key === 'ArrowRight' ? (at + 1) % TABS.length : e.key === 'ArrowLeft' ? (at - 1 + TABS.length) % TABS.length : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : null;
  if (to === null) return;
  e.preventDefault();
  const next = TABS[to]![0];
  onTab(next);
  document.getElementById(`summary-tab-${next}`)?.focus();
}

function TabBody({ tab, summary, onSearch }: { tab: SummaryTab; summary: Summary; onSearch: (q: string) => void }) {
  if (tab === 'users') return <UsersTable summary={summary} onSearch={onSearch} />;
  if (tab === 'mcp') return <McpTable summary={summary} onSearch={onSearch} />;
  if (tab === 'time') return <SummaryCharts summary={summary} />;
  return <ModelsTable summary={summary} onSearch={onSearch} />;
}

/** The summaries and charts of the requests the search finds, in the same window as the list; every number searches. */
export function SummaryPanel({ window: w, tab, onTab, onSearch, onRefresh }: { window: SearchWindow | null; tab: SummaryTab; onTab: (t: SummaryTab) => void; onSearch: (q: string) => void; onRefresh: () => void }) {
  const client = useQueryClient();
  const query = useSummary(w);
  const preview = useSummaryPreview(w);
  // While a slow window is read, its newest part's figures stand in (said so above them).
  const early = query.isFetching && (query.isPlaceholderData || !query.data) && preview.data?.partial ? preview.data : null;
  const summary = query.error ? null : (early ?? query.data ?? null);
  const stale = !early && query.isPlaceholderData;
  const cancelled = wasCancelled(query, w !== null);
  return (
    <section className={`card ${stale ? 'is-stale' : ''}`} data-testid="summary" aria-busy={query.isFetching} data-requests={summary && !stale && !early ? summary.requests : undefined} data-query={summary && !stale && !early ? summary.query : undefined} data-partial={early ? 'true' : undefined}>
      <div className="card-head wrap">
        <div className="tabs" role="tablist" aria-label="Summaries">
          {TABS.map(([id, label]) => (
            <button key={id} type="button" role="tab" id={`summary-tab-${id}`} aria-controls="summary-body" aria-selected={tab === id} tabIndex={tab === id ? 0 : -1} className={tab === id ? 'tab active' : 'tab'} onClick={() => onTab(id)} onKeyDown={(e) => onTabKey(e, tab, onTab)}>
              {label}
            </button>
          ))}
        </div>
        <div className="row tight wrap">
          {summary ? (
            <span className="muted small" data-testid="summary-totals">
              {plural(summary.requests, 'request')} · {pct(summary.errors, summary.requests)} failed ·{' '}
              <span title={`ClickHouse read ${summary.rowsRead.toLocaleString()} rows for these figures, in ${summary.elapsedMs.toLocaleString()} ms of query time.`}>
                {fmtCount(summary.rowsRead)} rows read in {fmtMs(summary.elapsedMs)}
              </span>
              {summary.slicesReused > 0 ? <span title="The range is summed in time slices; those whose spans have not changed since the last summary are taken from it, not read again."> · {summary.slicesReused} of {summary.slicesReused + summary.slicesRead} time slices reused</span> : null}
            </span>
          ) : null}
          <QueryStatus progressKey={hashKey(summaryKey(w))} fetching={query.isFetching} cancelled={cancelled} onCancel={() => void client.cancelQueries({ queryKey: summaryKey(w) })} onRetry={() => void query.refetch()} asOfMs={summary && !stale ? summary.window.toMs : null} what="the summary" testId="summary" />
          {/* Refresh re-runs the whole view (list, summary, charts) over a range resolved anew, so they keep agreeing. */}
          <button type="button" className="secondary small" onClick={onRefresh} disabled={query.isFetching}>
            Refresh
          </button>
        </div>
      </div>
      {early && early.coveredFromMs !== undefined ? (
        <p className="muted small" data-testid="summary-partial" role="status">
          The newest {fmtSpan(early.window.toMs - early.coveredFromMs)} of {fmtSpan(early.window.toMs - early.window.fromMs)} so far; the rest of the range is being read.
        </p>
      ) : null}
      {stale && summary ? <p className="muted small">{cancelled ? 'Cancelled: these figures are for the previous search.' : 'These figures are for the previous search; the new ones are on their way.'}</p> : null}
      {query.error ? (
        <p className="error-text" data-testid="summary-error">
          {query.error.message}
        </p>
      ) : null}
      <div id="summary-body" role="tabpanel" aria-labelledby={`summary-tab-${tab}`}>
        {summary ? <TabBody tab={tab} summary={summary} onSearch={onSearch} /> : !query.error && query.isFetching ? <p className="muted">Summarising the range…</p> : null}
      </div>
    </section>
  );
}

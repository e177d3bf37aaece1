import { REQUEST_FACT_COLUMNS, SUMMED_FACTS, TOKEN_FACTS, type SummedFact } from '../../../../electron/shared/request-facts';
import { CostText, TokenSplit } from '../traces/TokenSplit';
import { useMemo, useState } from 'react';
import type { TrafficSummary } from '../../../../electron/shared/contract';
import type { z } from 'zod';
import { CHART_COLORS, TimeChart, type ChartSeries } from '../../components/TimeChart';
import { fmtNum } from '../traces/format';

/** Summed facts beyond the token split and cost (shared/request-facts.ts SUMMED_FACTS) get a column of their own. */
const EXTRA_SUMS = SUMMED_FACTS.filter((f): f is SummedFact => !(TOKEN_FACTS as readonly string[]).includes(f) && f !== 'costUsd').map((fact) => ({ fact, label: REQUEST_FACT_COLUMNS.find((c) => c.field === fact)?.label ?? fact }));

type Summary = z.infer<typeof TrafficSummary>;
const TABS = ['Models', 'Users', 'MCP tools', 'Over time'] as const;
type Tab = (typeof TABS)[number];

/** Quotes a value for the search box the way HyperDX does (field:"value"). */
export const q = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function Drill({ query, onSearch, children, label }: { query: string; onSearch: (q: string) => void; children: React.ReactNode; label: string }) {
  return (
    <button type="button" className="drill" onClick={() => onSearch(query)} title={`Search ${query}`} aria-label={`${label}: search ${query}`}>
      {children}
    </button>
  );
}

function pct(errors: number, total: number) {
  return total ? `${((errors / total) * 100).toFixed(1)}%` : '—';
}

const fmtMs = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(0)} s` : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
const fmtCount = (v: number) => fmtNum(v);
const fmtUsd = (v: number) => (v === 0 ? '$0' : v < 0.01 ? `$${v.toPrecision(2)}` : `$${v.toFixed(2)}`);

/** The traffic summaries; every number searches for the requests behind it. */
export function SummaryPanel({ summary, busy, error, onSearch, onRefresh }: { summary: Summary | null; busy: boolean; error: string | null; onSearch: (q: string) => void; onRefresh: () => void }) {
  const [tab, setTab] = useState<Tab>('Models');
  const charts = useMemo(() => {
    if (!summary) return null;
    const times = summary.series.map((p) => p.t);
    const traffic: ChartSeries[] = [
      { label: 'Requests', values: summary.series.map((p) => p.requests), color: CHART_COLORS[0]!, bars: true },
      { label: 'Errors', values: summary.series.map((p) => p.errors), color: CHART_COLORS[3]!, bars: true },
    ];
    const latency: ChartSeries[] = [{ label: 'p95 latency', values: summary.series.map((p) => p.p95Ms), color: CHART_COLORS[4]! }];
    const models = [...new Set(summary.series.flatMap((p) => Object.keys(p.costByModel)))];
    const cost: ChartSeries[] = models.map((m, i) => ({ label: m, values: summary.series.map((p) => p.costByModel[m] ?? 0), color: CHART_COLORS[i % CHART_COLORS.length]! }));
    return { times, traffic, latency, cost };
  }, [summary]);
  return (
    <section className="card" data-testid="summary" aria-busy={busy}>
      <div className="card-head">
        <div className="tabs" role="tablist" aria-label="Summaries">
          {TABS.map((t) => (
            <button key={t} type="button" role="tab" aria-selected={tab === t} className={tab === t ? 'tab active' : 'tab'} onClick={() => setTab(t)}>
              {t}
            </button>
          ))}
        </div>
        <div className="row tight">
          {summary ? (
            <span className="muted small">
              {summary.models.reduce((a, m) => a + m.requests, 0).toLocaleString()} model requests · read {summary.rowsRead.toLocaleString()} rows in {summary.elapsedMs} ms
            </span>
          ) : null}
          <button type="button" className="secondary small" onClick={onRefresh} disabled={busy}>
            {busy ? 'Summarising…' : 'Refresh'}
          </button>
        </div>
      </div>
      {error ? <p className="error-text">{error}</p> : null}
      {!summary ? (
        !error ? <p className="muted">Summarising the range…</p> : null
      ) : tab === 'Models' ? (
        summary.models.length === 0 ? (
          <p className="muted">No model requests in this range.</p>
        ) : (
          <table className="history models" aria-label="Per-model summary" data-testid="models-table">
            <thead>
              <tr>
                <th>Model (requested)</th>
                <th>Requests</th>
                <th>Errors</th>
                <th>p50</th>
                <th>p95</th>
                <th>TTFT p50</th>
                <th>Tokens</th>
                {EXTRA_SUMS.map((c) => (
                  <th key={c.fact}>{c.label}</th>
                ))}
                <th>Cost</th>
              </tr>
            </thead>
            <tbody>
              {summary.models.map((r) => (
                <tr key={r.model}>
                  <td>
                    <Drill query={`model:${q(r.model)}`} onSearch={onSearch} label={r.model}>
                      {r.model}
                    </Drill>
                  </td>
                  <td>
                    <Drill query={`model:${q(r.model)}`} onSearch={onSearch} label="requests">
                      {fmtNum(r.requests)}
                    </Drill>
                  </td>
                  <td className={r.errorRate > 0 ? 'error-text' : ''}>
                    <Drill query={`model:${q(r.model)} status:error`} onSearch={onSearch} label="errors">
                      {(r.errorRate * 100).toFixed(1)}%
                    </Drill>
                  </td>
                  <td>
                    <Drill query={`model:${q(r.model)} duration:>=${Math.floor(r.p50Ms)}ms`} onSearch={onSearch} label="slower than p50">
                      {fmtMs(r.p50Ms)}
                    </Drill>
                  </td>
                  <td>
                    <Drill query={`model:${q(r.model)} duration:>=${Math.floor(r.p95Ms)}ms`} onSearch={onSearch} label="slowest 5%">
                      {fmtMs(r.p95Ms)}
                    </Drill>
                  </td>
                  <td>{r.ttftP50Ms === null ? '—' : fmtMs(r.ttftP50Ms)}</td>
                  <td>
                    <Drill query={`model:${q(r.model)}`} onSearch={onSearch} label="tokens">
                      <TokenSplit t={r} />
                    </Drill>
                  </td>
                  {EXTRA_SUMS.map((c) => (
                    <td key={c.fact}>{fmtNum(r[c.fact])}</td>
                  ))}
                  <td data-testid="model-cost">
                    <Drill query={`model:${q(r.model)}`} onSearch={onSearch} label="cost">
                      <CostText usd={r.costUsd} estimatedUsd={r.costEstimatedUsd} />
                    </Drill>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : tab === 'Users' ? (
        summary.users.length === 0 ? (
          <p className="muted">No requests with a known user in this range.</p>
        ) : (
          <table className="history" aria-label="Per-user summary" data-testid="users-table">
            <thead>
              <tr>
                <th>User</th>
                <th>Requests</th>
                <th>Errors</th>
                <th>Models</th>
                <th>Tokens</th>
                {EXTRA_SUMS.map((c) => (
                  <th key={c.fact}>{c.label}</th>
                ))}
                <th>Cost</th>
              </tr>
            </thead>
            <tbody>
              {summary.users.map((r) => (
                <tr key={r.user}>
                  <td>
                    <Drill query={`user:${q(r.user)}`} onSearch={onSearch} label={r.user}>
                      {r.user}
                    </Drill>
                  </td>
                  <td>
                    <Drill query={`user:${q(r.user)}`} onSearch={onSearch} label="requests">
                      {fmtNum(r.requests)}
                    </Drill>
                  </td>
                  <td className={r.errorRate > 0 ? 'error-text' : ''}>
                    <Drill query={`user:${q(r.user)} status:error`} onSearch={onSearch} label="errors">
                      {(r.errorRate * 100).toFixed(1)}%
                    </Drill>
                  </td>
                  <td>{fmtNum(r.models)}</td>
                  <td>
                    <TokenSplit t={r} />
                  </td>
                  {EXTRA_SUMS.map((c) => (
                    <td key={c.fact}>{fmtNum(r[c.fact])}</td>
                  ))}
                  <td>
                    <CostText usd={r.costUsd} estimatedUsd={r.costEstimatedUsd} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : tab === 'MCP tools' ? (
        summary.mcp.length === 0 ? (
          <p className="muted">No MCP tool calls in this range.</p>
        ) : (
          <table className="history" aria-label="MCP servers and tools" data-testid="mcp-table">
            <thead>
              <tr>
                <th>Server</th>
                <th>Tool</th>
                <th>Calls</th>
                <th>Errors</th>
                <th>p50</th>
                <th>p95</th>
              </tr>
            </thead>
            <tbody>
              {summary.mcp.map((r) => (
                <tr key={`${r.server}/${r.tool}`}>
                  <td>
                    <Drill query={`mcp:${q(r.server)}`} onSearch={onSearch} label={r.server}>
                      {r.server || '—'}
                    </Drill>
                  </td>
                  <td>
                    <Drill query={`mcp:${q(r.server)} tool:${q(r.tool)}`} onSearch={onSearch} label={r.tool}>
                      {r.tool || '—'}
                    </Drill>
                  </td>
                  <td>
                    <Drill query={`mcp:${q(r.server)} tool:${q(r.tool)}`} onSearch={onSearch} label="calls">
                      {fmtNum(r.calls)}
                    </Drill>
                  </td>
                  <td className={r.errors > 0 ? 'error-text' : ''}>
                    {fmtNum(r.errors)} ({pct(r.errors, r.calls)})
                  </td>
                  <td>{fmtMs(r.p50Ms)}</td>
                  <td>{fmtMs(r.p95Ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : charts && charts.times.length ? (
        <div className="charts-grid" data-testid="charts">
          <TimeChart title={`Requests and errors per ${Math.round(summary.bucketMs / 60_000)} min`} times={charts.times} series={charts.traffic} format={fmtCount} testId="chart-traffic" />
          <TimeChart title="p95 latency" times={charts.times} series={charts.latency} format={fmtMs} testId="chart-latency" />
          <TimeChart title="Cost per model" times={charts.times} series={charts.cost} format={fmtUsd} testId="chart-cost" />
        </div>
      ) : (
        <p className="muted">No requests in this range to chart.</p>
      )}
    </section>
  );
}

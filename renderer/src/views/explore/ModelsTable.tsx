import { SUMMARY_TABLE_ROWS } from '../../../../electron/shared/trace-queries-schema';
import { fmtNum, plural } from '../traces/format';
import { CostText, TokenSplit } from '../traces/TokenSplit';
import { Drill, EXTRA_SUMS, fmtMs, q, inWhat, type Summary } from './summary-bits';

type ModelRow = Summary['models'][number];

function ModelLine({ r, onSearch }: { r: ModelRow; onSearch: (q: string) => void }) {
  const m = `model:${q(r.model)}`;
  return (
    <tr>
      <td>
        <Drill query={m} onSearch={onSearch} label={r.model}>
          {r.model}
        </Drill>
      </td>
      <td>
        <Drill query={m} onSearch={onSearch} label="requests">
          {fmtNum(r.requests)}
        </Drill>
      </td>
      <td className={r.errorRate > 0 ? 'error-text' : ''}>
        <Drill query={`${m} status:error`} onSearch={onSearch} label="errors">
          {(r.errorRate * 100).toFixed(1)}%
        </Drill>
      </td>
      <td className="wide-only">
        <Drill query={`${m} duration:>=${Math.floor(r.p50Ms)}ms`} onSearch={onSearch} label="slower than p50">
          {fmtMs(r.p50Ms)}
        </Drill>
      </td>
      <td>
        <Drill query={`${m} duration:>=${Math.floor(r.p95Ms)}ms`} onSearch={onSearch} label="slowest 5%">
          {fmtMs(r.p95Ms)}
        </Drill>
      </td>
      <td className="wide-only">{r.ttftP50Ms === null ? '—' : fmtMs(r.ttftP50Ms)}</td>
      <td className="may-wrap">
        <Drill query={m} onSearch={onSearch} label="tokens">
          <TokenSplit t={r} />
        </Drill>
      </td>
      {EXTRA_SUMS.map((c) => (
        <td key={c.fact} className="wide-only">
          {fmtNum(r[c.fact])}
        </td>
      ))}
      <td data-testid="model-cost">
        <Drill query={m} onSearch={onSearch} label="cost">
          <CostText usd={r.costUsd} estimatedUsd={r.costEstimatedUsd} />
        </Drill>
      </td>
    </tr>
  );
}

const WIDE_ONLY = new Set(['p50', 'TTFT p50', ...EXTRA_SUMS.map((c) => c.label)]);

/** Per requested model: traffic, errors, latency, tokens and cost; each number searches its requests. */
export function ModelsTable({ summary, onSearch }: { summary: Summary; onSearch: (q: string) => void }) {
  if (!summary.models.length) return <p className="muted">No model requests {inWhat(summary)}.</p>;
  // Only when every model has its row (the summary keeps the top SUMMARY_TABLE_ROWS): then the difference is the requests with none.
  const unmodeled = summary.models.length < SUMMARY_TABLE_ROWS ? summary.requests - summary.models.reduce((n, r) => n + r.requests, 0) : 0;
  return (
    <div className="table-scroll">
      <table className="history models" aria-label="Per-model summary" data-testid="models-table">
        <thead>
          <tr>
            {/* In a narrow summary (beside an open trace, a small window) the median columns give way, so the cost stays in sight. */}
            {['Model (requested)', 'Requests', 'Errors', 'p50', 'p95', 'TTFT p50', 'Tokens', ...EXTRA_SUMS.map((c) => c.label), 'Cost'].map((h) => (
              <th key={h} className={WIDE_ONLY.has(h) ? 'wide-only' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {summary.models.map((r) => (
            <ModelLine key={r.model} r={r} onSearch={onSearch} />
          ))}
        </tbody>
      </table>
      {/* The header's count holds every request; the rows only those with a model: say where the rest went. */}
      {unmodeled > 0 ? (
        <p className="muted small" data-testid="models-unmodeled">
          {plural(unmodeled, 'request')} {unmodeled === 1 ? 'names' : 'name'} no model (MCP tool calls, or spans that report none): counted in the totals, not in a row here.
        </p>
      ) : null}
    </div>
  );
}

import { fmtNum } from '../traces/format';
import { CostText, TokenSplit } from '../traces/TokenSplit';
import { Drill, EXTRA_SUMS, q, inWhat, type Summary } from './summary-bits';

/** Per user: requests, errors, models, tokens and cost. */
export function UsersTable({ summary, onSearch }: { summary: Summary; onSearch: (q: string) => void }) {
  if (!summary.users.length) return <p className="muted">No requests with a known user {inWhat(summary)}.</p>;
  return (
    <div className="table-scroll">
      <table className="history" aria-label="Per-user summary" data-testid="users-table">
        <thead>
          <tr>
            {['User', 'Requests', 'Errors', 'Models', 'Tokens', ...EXTRA_SUMS.map((c) => c.label), 'Cost'].map((h) => (
              <th key={h}>{h}</th>
            ))}
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
    </div>
  );
}

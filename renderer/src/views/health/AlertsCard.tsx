import { formatMetric } from '../../../../electron/shared/alert-rules';
import { clockTime } from '../traces/format';
import { useContractQuery } from '../../api/contract-query';

/** How many scopes of a rule the card lists (the most pressing first). */
const SCOPES_SHOWN = 8;

/** Each profile's alert rules as last evaluated: every scope's current value against its threshold. */
export function AlertsCard({ activeProfileId }: { activeProfileId: string | undefined }) {
  // Each evaluation's answer is written into this list as it comes (api/cache-events.tsx).
  const statuses = useContractQuery('alerts.status', {});
  const status = activeProfileId ? statuses.data?.find((s) => s.profileId === activeProfileId) : undefined;
  return (
    <section className="card" aria-labelledby="alerts-title" data-testid="alerts">
      <div className="card-head">
        <h2 id="alerts-title">Alerts{status ? ` — ${status.profileName}` : ''}</h2>
        {status && status.firing > 0 ? (
          <span className="badge bad" data-testid="alerts-firing">
            <span className="dot" />
            {status.firing} firing
          </span>
        ) : status?.evaluatedAt ? (
          <span className="badge ok">
            <span className="dot" />
            none firing
          </span>
        ) : null}
      </div>
      {!status || status.evaluatedAt === null ? <p className="muted">{status && status.rules.length === 0 ? 'No rule is on for this profile (Settings → Alert rules).' : 'Not evaluated yet: the rules are checked at each poll.'}</p> : null}
      {status?.error ? (
        <p className="error-text" role="alert">
          The rules could not be evaluated: {status.error}
        </p>
      ) : null}
      {status?.evaluatedAt ? (
        <p className="muted small">
          Evaluated {clockTime(status.evaluatedAt)} in one query: {status.rowsRead.toLocaleString()} rows read in {status.elapsedMs} ms.
        </p>
      ) : null}
      {status?.rules.map((r) => (
        <div key={r.ruleId} data-testid="alert-rule-status" data-rule-id={r.ruleId}>
          <h3 className="small">
            {r.name} <span className="muted">· {r.summary}</span>
          </h3>
          {r.scopes.length === 0 ? (
            <p className="muted small">No requests in the window.</p>
          ) : (
            <table className="history" aria-label={`${r.name}: values against the threshold`}>
              <thead>
                <tr>
                  <th>Scope</th>
                  <th>Now</th>
                  <th>Threshold</th>
                  <th>Requests</th>
                  <th>State</th>
                </tr>
              </thead>
              <tbody>
                {r.scopes.slice(0, SCOPES_SHOWN).map((s) => (
                  <tr key={s.scope} data-testid="alert-scope" data-scope={s.scope}>
                    <td>{s.scope || 'All traffic'}</td>
                    <td className="figure">{formatMetric(r.metric, s.value)}</td>
                    <td className="figure">
                      {formatMetric(r.metric, s.threshold)}
                      {s.baseline !== null ? <span className="muted"> (24 h: {formatMetric(r.metric, s.baseline)})</span> : null}
                    </td>
                    <td className="figure">{s.requests.toLocaleString()}</td>
                    <td className={s.firing ? 'error-text' : s.note ? 'muted small' : ''}>{s.firing ? (s.pending ? 'Firing (clearing)' : 'Firing') : s.pending ? 'Breached, waiting out the minimum duration' : s.note || 'OK'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {r.scopes.length > SCOPES_SHOWN ? <p className="muted small">and {r.scopes.length - SCOPES_SHOWN} more</p> : null}
        </div>
      ))}
    </section>
  );
}

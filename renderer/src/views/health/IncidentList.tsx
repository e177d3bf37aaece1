import { useQueryClient } from '@tanstack/react-query';
import { clockTime } from '../traces/format';
import { useEffect, useState } from 'react';
import { contractKey, useContractQuery } from '../../api/contract-query';
import { useApi } from '../../api/context';
import { exploreHref } from '../../../../electron/shared/alert-rules';

/** Why an incident went unannounced, in the list's words. */
const UNANNOUNCED = {
  paused: 'not announced: notifications were paused',
  limit: 'not announced: four notifications of its kind in ten minutes already',
  'setting-up': 'not announced: the profile was still being set up',
} as const;

export function IncidentList() {
  const api = useApi();
  const client = useQueryClient();
  // Asked again on each pipeline or alert status (api/cache-events.tsx); the pause is written there too.
  const answer = useContractQuery('pipeline.incidents', {});
  const incidents = answer.data?.incidents ?? [];
  const until = answer.data?.pausedUntil ?? 0;
  // A pause ends by itself; nobody announces that, so the page re-renders when it is over.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until <= now) return;
    const t = setTimeout(() => setNow(Date.now()), Math.max(0, until - Date.now()));
    return () => clearTimeout(t);
  }, [until, now]);
  const pausedUntil = until > now ? until : 0;
  const setPaused = (minutes: number) =>
    void api.invoke('pipeline.pauseNotifications', { minutes }).then((r) => {
      setNow(Date.now());
      client.setQueryData(contractKey('pipeline.incidents', {}), (old: typeof answer.data) => (old ? { ...old, pausedUntil: r.pausedUntil } : old));
    });
  const paused = pausedUntil > 0;
  return (
    <section className="card" aria-labelledby="incidents-title" data-testid="incidents">
      <div className="card-head">
        <h2 id="incidents-title">Incidents</h2>
        <button type="button" className="secondary small" onClick={() => setPaused(paused ? 0 : 60)}>
          {paused ? `Resume notifications (paused until ${clockTime(pausedUntil)})` : 'Pause notifications for 1 hour'}
        </button>
      </div>
      {incidents.length === 0 ? (
        <p className="muted">No incidents since the app started.</p>
      ) : (
        <table className="history">
          <thead>
            <tr>
              <th>Profile</th>
              <th>State</th>
              <th>Began</th>
              <th>Ended</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {incidents.map((i) => (
              <tr key={`${i.profileId}-${i.alert ? `${i.alert.ruleId}-${i.alert.scope}-` : ''}${i.startedAt}`} data-testid="incident">
                <td>{i.profileName}</td>
                {/* An alert names its rule, as its notification does: two rules on one model read apart. */}
                <td className="error-text">{i.alert ? `Alert: ${i.alert.ruleName}` : i.state}</td>
                <td>{clockTime(i.startedAt)}</td>
                <td>{i.endedAt ? clockTime(i.endedAt) : <strong>ongoing</strong>}</td>
                <td className="small">
                  {i.reason}
                  {i.alert ? (
                    <>
                      {' '}
                      <a href={exploreHref(i.alert.explore)} data-testid="incident-explore">
                        Open the requests in Explore
                      </a>
                    </>
                  ) : null}
                  {i.notified ? '' : ` (${UNANNOUNCED[i.unannounced ?? 'limit']})`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

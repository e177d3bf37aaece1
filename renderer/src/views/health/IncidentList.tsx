import { useEffect, useState } from 'react';
import type { Incident } from '../../../../electron/shared/contract';
import type { z } from 'zod';
import { useApi } from '../../api/context';
import { exploreHref } from '../../../../electron/shared/alert-rules';

export function IncidentList() {
  const api = useApi();
  const [incidents, setIncidents] = useState<z.infer<typeof Incident>[]>([]);
  const [pausedUntil, setPausedUntil] = useState(0);
  useEffect(() => {
    let live = true;
    const load = () =>
      api.invoke('pipeline.incidents', {}).then(
        (r) => {
          if (!live) return;
          setIncidents(r.incidents);
          setPausedUntil(r.pausedUntil);
        },
        () => undefined,
      );
    void load();
    const off = api.on('pipeline.status', () => void load());
    const offAlerts = api.on('alerts.status', () => void load());
    // The core owns the pause; the tray menu can change it too.
    const offPaused = api.on('pipeline.paused', (p) => setPausedUntil(p.pausedUntil));
    return () => {
      live = false;
      off();
      offAlerts();
      offPaused();
    };
  }, [api]);
  // A pause ends by itself; nobody announces that, so the page clears it on time.
  useEffect(() => {
    if (pausedUntil <= 0) return;
    const t = setTimeout(() => setPausedUntil(0), Math.max(0, pausedUntil - Date.now()));
    return () => clearTimeout(t);
  }, [pausedUntil]);
  const paused = pausedUntil > 0;
  return (
    <section className="card" aria-labelledby="incidents-title" data-testid="incidents">
      <div className="card-head">
        <h2 id="incidents-title">Incidents</h2>
        <button type="button" className="secondary small" onClick={() => void api.invoke('pipeline.pauseNotifications', { minutes: paused ? 0 : 60 }).then((r) => setPausedUntil(r.pausedUntil))}>
          {paused ? `Resume notifications (paused until ${new Date(pausedUntil).toLocaleTimeString()})` : 'Pause notifications for 1 hour'}
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
                <td className="error-text">{i.state}</td>
                <td>{new Date(i.startedAt).toLocaleTimeString()}</td>
                <td>{i.endedAt ? new Date(i.endedAt).toLocaleTimeString() : <strong>ongoing</strong>}</td>
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
                  {i.notified ? '' : ' (no notification: rate limit or pause)'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

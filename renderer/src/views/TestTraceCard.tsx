import { useEffect, useRef, useState } from 'react';
import { clockTime } from './traces/format';
import type { TestTraceResult } from '../../../electron/shared/contract';
import type { z } from 'zod';
import { useQueryClient } from '@tanstack/react-query';
import { contractKey, useContractQuery } from '../api/contract-query';
import { useApi } from '../api/context';
import { CopyButton } from '../components/CopyButton';
import { StatusBadge } from '../components/StatusBadge';
import { errorText, useProfiles } from './setup/use-profiles';
import { OTLP_PROTOCOL_LABELS } from '../../../electron/shared/profile-schema';
import { ErrorLine } from '../components/ErrorLine';

type Result = z.infer<typeof TestTraceResult>;

const STAGE_TITLE = { sent: 'Sent to the collector', accepted: 'Accepted by the collector', queryable: 'Queryable in ClickHouse' } as const;

function seconds(ms: number | null): string {
  return ms === null ? '' : `${(ms / 1000).toFixed(2)} s`;
}

/** Sends a gateway-shaped trace and shows each hop as it completes. */
export function TestTraceCard() {
  const api = useApi();
  const { state } = useProfiles();
  const [current, setCurrent] = useState<Result | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [useGateway, setUseGateway] = useState(false);
  const client = useQueryClient();
  const history = useContractQuery('testTrace.history', {}).data ?? [];
  const profileId = state?.activeProfileId;
  // Progress events travel apart from the final answer and may arrive after it: a finished run ignores them.
  const finished = useRef(new Set<string>());

  useEffect(
    () =>
      api.on('testTrace.progress', (r) => {
        if (r.profileId === profileId && !finished.current.has(r.id)) setCurrent(r);
      }),
    [api, profileId],
  );

  const send = () => {
    if (!profileId) return;
    setRunning(true);
    setError(null);
    setCurrent(null);
    api
      .invoke('testTrace.run', { profileId, useGatewayServiceName: useGateway })
      .then((r) => {
        finished.current.add(r.id);
        setCurrent(r);
        client.setQueryData(contractKey('testTrace.history', {}), (h: Result[] | undefined) => [r, ...(h ?? []).filter((x) => x.id !== r.id)].slice(0, 20));
      })
      .catch((e: unknown) => setError(errorText(e)))
      .finally(() => setRunning(false));
  };

  const activeName = state?.profiles.find((p) => p.id === profileId)?.name;
  return (
    <section className="card" data-testid="test-trace" aria-labelledby="tt-title">
      <div className="card-head">
        <h2 id="tt-title">Test trace</h2>
        {current && !running ? <StatusBadge tone={current.ok ? 'ok' : 'bad'}>{current.ok ? 'landed' : 'failed'}</StatusBadge> : running ? <StatusBadge tone="warn">running</StatusBadge> : null}
      </div>
      <p className="muted">
        Sends a ChatCompletion → Model → Network Call trace through {activeName ? `“${activeName}”` : 'the active profile'} and waits until ClickHouse can query it.
      </p>
      <div className="row">
        <button type="button" onClick={send} disabled={running || !profileId} data-testid="send-test-trace">
          {running ? 'Sending…' : 'Send test trace'}
        </button>
        <label className="check">
          <input type="checkbox" checked={useGateway} onChange={(e) => setUseGateway(e.target.checked)} /> Use the gateway’s service name (shows up in real dashboards)
        </label>
      </div>
      <ErrorLine error={error} />
      {current ? (
        <>
          <ol className="stages" data-testid="test-trace-stages">
            {current.stages.map((s) => (
              <li key={s.stage} className={s.status}>
                <span className="stage-mark" aria-hidden="true">
                  {s.status === 'passed' ? '✓' : s.status === 'failed' ? '✗' : s.status === 'pending' ? '…' : '–'}
                </span>
                <strong>{STAGE_TITLE[s.stage]}</strong> <span className="muted">{seconds(s.atMs)}</span>
                {s.detail ? <div className="muted">{s.detail}</div> : null}
              </li>
            ))}
          </ol>
          {!running ? (
            <div className={`result ${current.ok ? 'passed' : 'failed'}`} data-testid="test-trace-summary">
              <p>{current.summary}</p>
              {current.fix ? (
                <p>
                  <strong>Fix: </strong>
                  {current.fix}
                </p>
              ) : null}
              <p className="row tight">
                <span className="muted">Trace</span> <code>{current.traceId}</code> <CopyButton text={current.traceId} label="Copy trace id" />
                {current.hyperdxUrl ? (
                  <a href={current.hyperdxUrl} target="_blank" rel="noreferrer">
                    Open in HyperDX
                  </a>
                ) : null}
              </p>
            </div>
          ) : null}
        </>
      ) : null}
      {history.length ? (
        <table className="history" aria-label="Recent test traces">
          <thead>
            <tr>
              <th>When</th>
              <th>Profile</th>
              <th>Over</th>
              <th>Result</th>
              <th>End to end</th>
              <th>Trace</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr key={h.id}>
                <td>{clockTime(h.startedAt)}</td>
                <td>{h.profileName}</td>
                <td>{OTLP_PROTOCOL_LABELS[h.protocol]}</td>
                <td className={h.ok ? 'ok-text' : 'error-text'}>{h.ok ? 'landed' : `failed at ${h.stages.find((s) => s.status === 'failed')?.stage ?? 'an unknown stage'}`}</td>
                <td>{h.latencyMs !== null ? seconds(h.latencyMs) : '—'}</td>
                <td>
                  <code>{h.traceId.slice(0, 12)}…</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

import { useState } from 'react';
import { useApi, useEventState } from '../api/context';
import { CopyButton } from '../components/CopyButton';
import { StatusBadge } from '../components/StatusBadge';
import { sandboxTone } from './sandbox-tone';

/** The embedded local ClickStack: its state, its endpoints, and a restart. */
export function SandboxCard() {
  const api = useApi();
  const { value: status, error } = useEventState('sandbox.status', () => api.invoke('sandbox.getStatus', {}));
  const [restarting, setRestarting] = useState(false);
  const [restartError, setRestartError] = useState<string | null>(null);

  return (
    <section className="card" aria-labelledby="sandbox-title" data-testid="sandbox-card">
      <div className="card-head">
        <h2 id="sandbox-title">Local sandbox</h2>
        {status ? <StatusBadge tone={sandboxTone(status.state)}>{status.state}</StatusBadge> : null}
      </div>
      <p className="muted">A real ClickHouse engine with ClickStack&apos;s otel_traces table and OTLP receivers over HTTP and gRPC, on this machine only.</p>
      {error ? <p className="error-text">{error}</p> : null}
      {status ? <p data-testid="sandbox-detail">{status.detail}</p> : <p className="muted">Loading…</p>}
      {status?.endpoints ? (
        <dl className="endpoints">
          {(
            [
              ['OTLP traces endpoint (HTTP)', status.endpoints.otlp],
              ['OTLP gRPC endpoint', status.endpoints.otlpGrpc],
              ['ClickHouse HTTP', status.endpoints.clickhouse],
              ['Collector health', status.endpoints.health],
            ] as const
          ).map(([label, value]) => (
            <div key={label} className="endpoint">
              <dt>{label}</dt>
              <dd>
                <code>{value}</code> <CopyButton text={value} />
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      <div className="row">
        <button
          type="button"
          disabled={restarting || status?.state === 'disabled'}
          onClick={() => {
            setRestarting(true);
            setRestartError(null);
            api
              .invoke('sandbox.restart', {})
              .catch((e: unknown) => setRestartError(e instanceof Error ? e.message : String(e)))
              .finally(() => setRestarting(false));
          }}
        >
          {restarting ? 'Restarting…' : 'Restart sandbox'}
        </button>
        {restartError ? <span className="error-text">{restartError}</span> : null}
      </div>
    </section>
  );
}

import { useCallback, useEffect, useState } from 'react';
import type { SpanCount } from '../../../electron/contract';
import type { z } from 'zod';
import { useApi, useEventState } from '../api/context';
import { StatusBadge } from '../components/StatusBadge';
import { ViewHeader } from '../components/ViewHeader';
import { sandboxTone } from './sandbox-tone';
import { TestTraceCard } from './TestTraceCard';

export function HealthView() {
  const api = useApi();
  const { value: status } = useEventState('sandbox.status', () => api.invoke('sandbox.getStatus', {}));
  const [count, setCount] = useState<z.infer<typeof SpanCount> | null>(null);
  const [countError, setCountError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const running = status?.state === 'running';

  const load = useCallback(
    () =>
      api
        .invoke('sandbox.countSpans', {})
        .then((c) => {
          setCount(c);
          setCountError(null);
        })
        .catch((e: unknown) => setCountError(e instanceof Error ? e.message : String(e)))
        .finally(() => setLoading(false)),
    [api],
  );

  const refresh = () => {
    setLoading(true);
    void load();
  };

  // Count again whenever the sandbox (re)starts.
  useEffect(() => {
    if (running) void load();
  }, [running, load]);

  return (
    <>
      <ViewHeader
        title="Health"
        subtitle="The state of each part of the pipeline."
        actions={
          <button type="button" onClick={refresh} disabled={!running || loading}>
            {loading ? 'Checking…' : 'Check now'}
          </button>
        }
      />
      <section className="card" data-testid="health-sandbox">
        <div className="card-head">
          <h2>Local sandbox</h2>
          {status ? <StatusBadge tone={sandboxTone(status.state)}>{status.state}</StatusBadge> : null}
        </div>
        <p>{status?.detail ?? 'Loading…'}</p>
        {countError ? <p className="error-text">{countError}</p> : null}
        {count ? (
          <dl className="stats">
            <div>
              <dt>Spans stored</dt>
              <dd data-testid="span-total">{count.total.toLocaleString()}</dd>
            </div>
            <div>
              <dt>Last hour</dt>
              <dd>{count.lastHour.toLocaleString()}</dd>
            </div>
            <div>
              <dt>Newest span</dt>
              <dd>{count.newest ?? 'none yet'}</dd>
            </div>
            <div>
              <dt>Database</dt>
              <dd>
                <code>{count.database}.otel_traces</code>
              </dd>
            </div>
          </dl>
        ) : null}
      </section>
      <TestTraceCard />
    </>
  );
}

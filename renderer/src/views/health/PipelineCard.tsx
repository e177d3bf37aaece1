import { useState } from 'react';
import type { PipelineStatus } from '../../../../electron/shared/contract';
import type { z } from 'zod';
import { useApi } from '../../api/context';
import { StatusBadge, type Tone } from '../../components/StatusBadge';
import { LatencyLine, Sparkbars } from './Sparkbars';
import { ago } from '../../../../electron/shared/time-ago';
import { STATE_TONE as PIPELINE_STATE_TONE, type ProbeFailureKind } from '../../../../electron/shared/pipeline-status';
import { ErrorLine } from '../../components/ErrorLine';

type Status = z.infer<typeof PipelineStatus>;

/** A failing tile names its typed kind in a few words. */
const FAILURE_WORDS: Record<ProbeFailureKind, string> = {
  unreachable: 'no answer',
  timeout: 'timed out',
  auth: 'refused the credentials',
  rejected: 'rejected the request',
  unconfigured: 'not set up',
  storage: 'cannot store spans',
  damaged: 'damaged data',
};

/** The tray's colours come from the same table (electron/shared/pipeline-status.ts). */
export const STATE_TONE: Record<Status['state'], Tone> = PIPELINE_STATE_TONE;

/** When the probes last answered (the newest of the tiles' times); null before the first poll. */
function lastCheckedAt(status: Status): number | null {
  const times = status.components.map((c) => c.at).filter((at): at is number => at !== null);
  return times.length ? Math.max(...times) : null;
}

export function PipelineCard({ status, active, now }: { status: Status; active: boolean; now: number }) {
  const api = useApi();
  const checkedAt = lastCheckedAt(status);
  const [checking, setChecking] = useState(false);
  const [checkError, setCheckError] = useState<string | null>(null);
  return (
    <section className="card" data-testid={`pipeline-${status.profileId}`} aria-label={`Pipeline ${status.profileName}`}>
      <div className="card-head">
        <h2>
          {status.profileName} {active ? <span className="muted">(active)</span> : null}
        </h2>
        <div className="row tight">
          <StatusBadge tone={STATE_TONE[status.state]}>{status.state}</StatusBadge>
          <button
            type="button"
            className="secondary small"
            // aria-disabled, not disabled: a disabled button drops the keyboard focus to the page's body mid-check.
            aria-disabled={checking}
            onClick={() => {
              if (checking) return;
              setChecking(true);
              setCheckError(null);
              api
                .invoke('pipeline.checkNow', { profileId: status.profileId })
                .catch((e: unknown) => setCheckError(`Check now failed: ${e instanceof Error ? e.message : String(e)}`))
                .finally(() => setChecking(false));
            }}
          >
            {checking ? 'Checking…' : 'Check now'}
          </button>
        </div>
      </div>
      <ErrorLine error={checkError} />
      <p data-testid="pipeline-reason">
        {/* Two ages that read alike ("Since 2 min ago" beside "3 s ago") say what each is: how long the state has held,
            and when the probes last answered; the newest span's age is its own tile. */}
        {status.reason}{' '}
        <span className="muted" data-testid="pipeline-ages">
          {status.state} for {ago(now - status.since)}; {checkedAt === null ? 'not checked yet' : `last checked ${ago(now - checkedAt)} ago`}.
        </span>
      </p>
      <dl className="stats">
        {status.components.map((c) => {
          return (
            <div key={c.id} data-testid={`tile-${c.id}`} data-ok={c.ok === null ? 'none' : String(c.ok)} data-failure={c.failure ?? ''}>
              <dt>{c.title}</dt>
              <dd className={c.ok === null ? 'muted' : c.ok ? 'ok-text' : 'error-text'} title={c.detail}>
                {c.ok === null ? '—' : c.ok ? 'OK' : c.failure ? `Failing: ${FAILURE_WORDS[c.failure]}` : 'Failing'}
                {c.durationMs !== null ? <span className="muted small"> {c.durationMs} ms</span> : null}
              </dd>
              <dd className="muted small clamp">{c.detail}</dd>
            </div>
          );
        })}
        <div>
          <dt>Newest gateway span</dt>
          {/* A span's Timestamp is its start: "started", so it does not read as when it arrived or when we looked. */}
          <dd data-testid="newest-span" title="When the newest gateway span in ClickHouse started (a span is stored when it ends)">
            {status.newestSpanAt === null ? 'none in the last hour' : `started ${ago(now - status.newestSpanAt)} ago`}
          </dd>
        </div>
      </dl>
      <div className="charts">
        <Sparkbars points={status.spansPerMinute} now={now} label="Gateway spans per minute, last hour" />
        {status.canaryLatencies.length ? <LatencyLine points={status.canaryLatencies} label="Canary latency" /> : null}
      </div>
    </section>
  );
}

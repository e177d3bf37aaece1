import { useCallback, useEffect, useRef, useState } from 'react';
import type { SetupGuide } from '../../../../electron/shared/contract';
import type { z } from 'zod';
import { useApi } from '../../api/context';
import { CopyButton } from '../../components/CopyButton';
import { StepCard, type StepState } from './StepCard';
import { errorText } from './use-profiles';
import { ProtocolChoice } from './ProtocolChoice';
import { SecretCopyButton } from './SecretCopyButton';
import type { ProfileView } from '../../../../electron/shared/contract';

type StepId = 'clickhouse' | 'collector' | 'otlp' | 'truefoundry' | 'spans';
const ORDER: StepId[] = ['clickhouse', 'collector', 'otlp', 'truefoundry', 'spans'];
/** How often and how long step 5 looks for the first gateway span. */
const FIRST_SPAN_POLL_MS = 5_000;
const FIRST_SPAN_WAIT_MS = 10 * 60_000;

/** What step 3 sends, per protocol: the same request the gateway would make. */
const OTLP_CHECK: Record<z.infer<typeof ProfileView>['otlpProtocol'], string> = {
  'http/json': 'Sends an empty OTLP/HTTP export with Content-Type: application/json and expects 200.',
  'http/protobuf': 'Sends an empty OTLP/HTTP export with Content-Type: application/x-protobuf and expects 200.',
  grpc: 'Calls TraceService/Export over gRPC with an empty request and expects OK.',
};

export function SetupSteps({ profile, profileKey }: { profile: z.infer<typeof ProfileView>; profileKey: string }) {
  const profileId = profile.id;
  const api = useApi();
  const [steps, setSteps] = useState<Record<StepId, StepState>>(() => Object.fromEntries(ORDER.map((s) => [s, { phase: 'idle' }])) as Record<StepId, StepState>);
  const [guide, setGuide] = useState<z.infer<typeof SetupGuide> | null>(null);
  const [guideError, setGuideError] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);
  const waitTimer = useRef<number | null>(null);

  useEffect(() => {
    let live = true;
    api.invoke('setup.guide', { profileId }).then(
      (g) => {
        if (!live) return;
        setGuide(g);
        setGuideError(null);
      },
      (e: unknown) => live && setGuideError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [api, profileId, profileKey]);

  const run = useCallback(
    async (step: StepId) => {
      setSteps((s) => ({ ...s, [step]: { phase: 'running' } }));
      try {
        const result = await api.invoke('setup.runStep', { profileId, step });
        setSteps((s) => ({ ...s, [step]: { phase: 'done', result } }));
        return result.status === 'passed';
      } catch (e) {
        setSteps((s) => ({ ...s, [step]: { phase: 'error', message: errorText(e) } }));
        return false;
      }
    },
    [api, profileId],
  );

  const stopWaiting = useCallback(() => {
    if (waitTimer.current !== null) window.clearTimeout(waitTimer.current);
    waitTimer.current = null;
    setWaiting(false);
  }, []);

  const waitForFirstSpan = useCallback(() => {
    const deadline = Date.now() + FIRST_SPAN_WAIT_MS;
    setWaiting(true);
    const tick = async () => {
      const ok = await run('spans');
      if (ok || Date.now() > deadline) return stopWaiting();
      waitTimer.current = window.setTimeout(() => void tick(), FIRST_SPAN_POLL_MS);
    };
    void tick();
  }, [run, stopWaiting]);

  useEffect(() => stopWaiting, [stopWaiting, profileId]);

  const runAll = async () => {
    for (const step of ORDER) await run(step);
  };

  return (
    <>
      <div className="row" style={{ marginBottom: 12 }}>
        <button type="button" onClick={() => void runAll()} data-testid="run-all">
          Run all checks
        </button>
        {guideError ? <span className="error-text">{guideError}</span> : null}
      </div>
      <StepCard n={1} title="ClickHouse: connect, sign in, find otel_traces" state={steps.clickhouse} onRun={() => void run('clickhouse')} />
      <StepCard n={2} title="Deploy the ClickStack collector" state={steps.collector} onRun={() => void run('collector')} runLabel="Check health">
        <p className="muted">Run this where the collector should live. The password stays a shell variable: set CLICKHOUSE_PASSWORD first.</p>
        {guide ? (
          <div className="codeblock">
            <pre data-testid="docker-run">{guide.dockerRun}</pre>
            <CopyButton text={guide.dockerRun} />
          </div>
        ) : null}
        {guide?.dockerNote ? (
          <p className="muted" data-testid="docker-note">
            {guide.dockerNote}
          </p>
        ) : null}
      </StepCard>
      <StepCard n={3} title="Test the collector’s OTLP endpoint" state={steps.otlp} onRun={() => void run('otlp')}>
        <ProtocolChoice profile={profile} />
        <p className="muted">{OTLP_CHECK[profile.otlpProtocol]}</p>
      </StepCard>
      <StepCard n={4} title="Configure TrueFoundry" state={steps.truefoundry} onRun={() => void run('truefoundry')}>
        {guide ? (
          <>
            <p>
              In TrueFoundry: <strong>{guide.truefoundryPath}</strong>, then paste:
            </p>
            <dl className="facts">
              {guide.truefoundry.map((v, i) => (
                <div key={`${v.label}-${i}`}>
                  <dt>{v.label}</dt>
                  <dd>
                    <code>{v.value}</code> {v.secret ? <SecretCopyButton profileId={profileId} kind="otlpToken" label="Copy token" /> : <CopyButton text={v.value} />}
                  </dd>
                </div>
              ))}
            </dl>
            {guide.warnings.map((w) => (
              <p key={w} className="warn-text">
                ⚠ {w}
              </p>
            ))}
          </>
        ) : null}
      </StepCard>
      <StepCard n={5} title="Confirm gateway spans arrive" state={steps.spans} onRun={() => (waiting ? stopWaiting() : waitForFirstSpan())} runLabel={waiting ? 'Stop waiting' : 'Wait again'}>
        <p className="muted">{waiting ? 'Watching otel_traces for the first gateway span, every 5 s for up to 10 minutes…' : 'Looks for the newest span of the gateway’s service name.'}</p>
      </StepCard>
    </>
  );
}

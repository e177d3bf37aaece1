import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import { useContractQuery } from '../../api/contract-query';
import { useApi } from '../../api/context';
import { CopyButton } from '../../components/CopyButton';
import { StepCard, type StepState } from './StepCard';
import { errorText } from './use-profiles';
import { ProtocolChoice } from './ProtocolChoice';
import { SecretCopyButton } from './SecretCopyButton';
import type { ProfileView } from '../../../../electron/shared/contract';
import { OTLP_PROTOCOL_LABELS } from '../../../../electron/shared/profile-schema';

type View = z.infer<typeof ProfileView>;

/**
 * What each step's result depends on, as a key and as words: a result found with other inputs
 * than the profile's now (the protocol switched, an endpoint edited) is marked stale.
 */
const STEP_INPUTS: Record<StepId, (p: View) => { key: string; words: string }> = {
  clickhouse: (p) => ({ key: JSON.stringify([p.clickhouseUrl, p.clickhouseUser, p.passwordSet]), words: `ClickHouse ${p.clickhouseUrl} as ${p.clickhouseUser}` }),
  collector: (p) => ({ key: JSON.stringify([p.healthUrl, p.otlpEndpoint]), words: `the health URL of ${p.otlpEndpoint ?? 'no endpoint'}` }),
  otlp: (p) => ({ key: JSON.stringify([p.otlpProtocol, p.otlpEndpoint, p.otlpGrpcEndpoint, p.tokenSet]), words: `${OTLP_PROTOCOL_LABELS[p.otlpProtocol]}${p.tokenSet ? ', with the token' : ''}` }),
  truefoundry: (p) => ({ key: JSON.stringify([p.otlpProtocol, p.otlpEndpoint, p.otlpGrpcEndpoint, p.tokenSet]), words: `${OTLP_PROTOCOL_LABELS[p.otlpProtocol]}${p.tokenSet ? ', with the token' : ''}` }),
  spans: (p) => ({ key: JSON.stringify([p.clickhouseUrl, p.database, p.serviceName]), words: `service ${p.serviceName}` }),
};

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

export function SetupSteps({ profile }: { profile: z.infer<typeof ProfileView> }) {
  const profileId = profile.id;
  const api = useApi();
  const queryClient = useQueryClient();
  const [steps, setSteps] = useState<Record<StepId, StepState>>(() => Object.fromEntries(ORDER.map((s) => [s, { phase: 'idle' }])) as Record<StepId, StepState>);
  // Asked again when a profile changes (api/cache-events.tsx): the guide's values come from it.
  const guideQuery = useContractQuery('setup.guide', { profileId });
  const guide = guideQuery.data ?? null;
  const guideError = guideQuery.error ? errorText(guideQuery.error) : null;
  const [waiting, setWaiting] = useState(false);
  const waitTimer = useRef<number | null>(null);


  // The inputs each result was found with, to tell when it went stale.
  const [ranWith, setRanWith] = useState<Partial<Record<StepId, { key: string; words: string }>>>({});
  const profileRef = useRef(profile);
  profileRef.current = profile;
  const staleNote = (step: StepId): string | null => {
    const then = ranWith[step];
    const now = STEP_INPUTS[step](profile);
    if (!then || then.key === now.key) return null;
    return then.words === now.words ? 'The profile changed since this ran.' : `This ran with ${then.words}; it is now ${now.words}.`;
  };

  const run = useCallback(
    async (step: StepId) => {
      setSteps((s) => ({ ...s, [step]: { phase: 'running' } }));
      try {
        const result = await api.invoke('setup.runStep', { profileId, step });
        // The profile as it is when the answer comes: a change saved just before the click (a protocol switch still
        // in flight) reached the app before the step ran, and its profiles.changed event before this answer.
        const inputs = STEP_INPUTS[step](profileRef.current);
        setRanWith((r) => ({ ...r, [step]: inputs }));
        setSteps((s) => ({ ...s, [step]: { phase: 'done', result } }));
        // The ClickHouse step finds out whether the user is read-only, which changes step 2's command.
        if (step === 'clickhouse') void queryClient.invalidateQueries({ queryKey: ['setup.guide'] });
        return result.status === 'passed';
      } catch (e) {
        setSteps((s) => ({ ...s, [step]: { phase: 'error', message: errorText(e) } }));
        return false;
      }
    },
    [api, profileId, queryClient],
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
      <StepCard n={1} title="ClickHouse: connect, sign in, find otel_traces" state={steps.clickhouse} stale={staleNote('clickhouse')} onRun={() => void run('clickhouse')} />
      {profile.kind === 'sandbox' ? (
        <StepCard n={2} title="Collector: none needed for the sandbox" state={steps.collector} stale={staleNote('collector')} onRun={() => void run('collector')} runLabel="Check health">
          <p data-testid="no-collector-needed">
            The Local sandbox needs no collector: it receives OTLP over HTTP and gRPC itself and writes straight into its own ClickHouse — what the ClickStack
            collector does in a real deployment. The check asks the sandbox’s own health endpoint. For your ClickStack, make a profile for it: this step then
            gives the <code>docker run</code> command for the collector.
          </p>
        </StepCard>
      ) : (
      <StepCard n={2} title="Deploy the ClickStack collector" state={steps.collector} stale={staleNote('collector')} onRun={() => void run('collector')} runLabel="Check health">
        <p className="muted">
          Run this where the collector should live.{' '}
          {profile.passwordSet
            ? 'The password stays a shell variable: set CLICKHOUSE_PASSWORD first.'
            : 'This profile keeps no ClickHouse password: CLICKHOUSE_PASSWORD can stay unset, unless the collector’s user has one.'}
        </p>
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
      )}
      <StepCard n={3} title="Test the collector’s OTLP endpoint" state={steps.otlp} stale={staleNote('otlp')} onRun={() => void run('otlp')}>
        <ProtocolChoice profile={profile} />
        <p className="muted">{OTLP_CHECK[profile.otlpProtocol]}</p>
      </StepCard>
      <StepCard n={4} title="Configure TrueFoundry" state={steps.truefoundry} stale={staleNote('truefoundry')} onRun={() => void run('truefoundry')}>
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
            {/* A warning the step's own result already says (it failed for it) is not said twice. */}
            {guide.warnings.filter((w) => !(steps.truefoundry.phase === 'done' && steps.truefoundry.result.summary.includes(w))).map((w) => (
              <p key={w} className="warn-text">
                ⚠ {w}
              </p>
            ))}
          </>
        ) : null}
      </StepCard>
      <StepCard n={5} title="Confirm gateway spans arrive" state={steps.spans} stale={staleNote('spans')} onRun={() => (waiting ? stopWaiting() : waitForFirstSpan())} runLabel={waiting ? 'Stop waiting' : 'Wait again'}>
        <p className="muted">{waiting ? 'Watching otel_traces for the first gateway span, every 5 s for up to 10 minutes…' : 'Looks for the newest span of the gateway’s service name.'}</p>
      </StepCard>
    </>
  );
}

import type { ReactNode } from 'react';
import type { StepResult } from '../../../../electron/shared/contract';
import type { z } from 'zod';
import { StatusBadge } from '../../components/StatusBadge';

export type StepState = { phase: 'idle' } | { phase: 'running' } | { phase: 'done'; result: z.infer<typeof StepResult> } | { phase: 'error'; message: string };

/**
 * One step of the guide. `stale` says what changed since its result was found (e.g. the protocol):
 * the result stays in view, marked, until the step runs again.
 */
export function StepCard({ n, title, state, onRun, runLabel = 'Re-run', stale = null, children }: { n: number; title: string; state: StepState; onRun: () => void; runLabel?: string; stale?: string | null; children?: ReactNode }) {
  const isStale = stale !== null && state.phase === 'done';
  const badge = isStale ? (
    <StatusBadge tone="warn">stale</StatusBadge>
  ) : state.phase === 'idle' ? (
      <StatusBadge tone="idle">not run</StatusBadge>
    ) : state.phase === 'running' ? (
      <StatusBadge tone="warn">running</StatusBadge>
    ) : state.phase === 'error' || state.result.status === 'failed' ? (
      <StatusBadge tone="bad">failed</StatusBadge>
    ) : (
      <StatusBadge tone="ok">passed</StatusBadge>
    );
  return (
    <section className="card step" aria-labelledby={`step-${n}`} data-testid={`step-${n}`}>
      <div className="card-head">
        <h2 id={`step-${n}`}>
          <span className="step-n">{n}</span> {title}
        </h2>
        <div className="row tight">
          {badge}
          <button type="button" className="secondary small" onClick={onRun} disabled={state.phase === 'running'}>
            {state.phase === 'idle' ? 'Run' : runLabel}
          </button>
        </div>
      </div>
      {children}
      {isStale ? (
        <p className="warn-text" data-testid={`step-${n}-stale`}>
          {stale} Run it again to check what is set now.
        </p>
      ) : null}
      {state.phase === 'done' ? (
        <div className={`result ${isStale ? 'stale' : state.result.status}`}>
          <p data-testid={`step-${n}-summary`}>{state.result.summary}</p>
          {state.result.fix ? (
            <p>
              <strong>Fix: </strong>
              {state.result.fix}
            </p>
          ) : null}
          {state.result.facts.length ? (
            <dl className="facts">
              {state.result.facts.map((f) => (
                <div key={f.label + f.value}>
                  <dt>{f.label}</dt>
                  <dd>
                    <code>{f.value}</code>
                  </dd>
                </div>
              ))}
            </dl>
          ) : null}
        </div>
      ) : null}
      {state.phase === 'error' ? <p className="error-text">{state.message}</p> : null}
    </section>
  );
}

/** The selected span of a trace: its facts, the LLM call, attributes, resource, events and links, all as text. */
import { CopyButton } from '../../components/CopyButton';
import { formatDuration, formatTime } from './format';
import { LlmPanel } from './LlmPanel';
import type { FullSpan } from './waterfall';

/** A value longer than this (a prompt, an answer) scrolls in its own box, with a Copy button: a triple-click copies one line. */
const LONG_VALUE = 300;

function KeyValues({ title, values }: { title: string; values: Record<string, string> }) {
  const entries = Object.entries(values).sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) return null;
  return (
    <details open>
      <summary>
        {title} ({entries.length})
      </summary>
      <dl className="kv">
        {entries.map(([k, v]) => (
          <div key={k}>
            <dt title={k}>{k}</dt>
            <dd>
              {v.length > LONG_VALUE ? (
                <>
                  <code className="long-value">{v}</code>
                  <CopyButton text={v} label={`Copy ${k}`} />
                </>
              ) : (
                <code>{v}</code>
              )}
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

export function SpanDetail({ span, rollupSpans, profileId }: { span: FullSpan; rollupSpans: FullSpan[]; profileId: string | null }) {
  return (
    <aside className="span-panel" aria-label="Span details" data-testid="span-panel" data-span-id={span.spanId}>
      <h3>{span.name}</h3>
      <p className="muted">
        {span.service} · {span.kind} · {formatTime(span.ts)} · {formatDuration(span.durationNs)} ·{' '}
        <span className={`status-${span.status}`}>{span.status === 'error' ? '⚠ error' : span.status}</span>
      </p>
      {span.statusMessage ? <p className="error-text">{span.statusMessage}</p> : null}
      {profileId ? <LlmPanel span={span} rollupSpans={rollupSpans} profileId={profileId} /> : null}
      <KeyValues title="Attributes" values={span.attributes} />
      <KeyValues title="Resource" values={span.resource} />
      {span.events.length ? (
        <details open>
          <summary>Events ({span.events.length})</summary>
          {span.events.map((e, i) => (
            <div key={i} className="event">
              <strong>{e.name}</strong> <span className="muted">{formatTime(e.ts)}</span>
              <KeyValues title="Attributes" values={e.attributes} />
            </div>
          ))}
        </details>
      ) : null}
      {span.links.length ? (
        <details open>
          <summary>Links ({span.links.length})</summary>
          {span.links.map((l, i) => (
            <p key={i}>
              <a href={`#/explore/trace/${l.traceId}`}>
                <code>{l.traceId}</code>
              </a>{' '}
              span <code>{l.spanId}</code>
            </p>
          ))}
        </details>
      ) : null}
    </aside>
  );
}

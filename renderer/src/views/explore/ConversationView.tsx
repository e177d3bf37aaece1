import { useEffect, useState } from 'react';
import type { Conversation } from '../../../../electron/shared/contract';
import { parseChat } from '../../../../electron/shared/chat-messages';
import type { z } from 'zod';
import { useApi } from '../../api/context';
import { IdCardHead } from '../../components/IdCardHead';
import { errorText } from '../setup/use-profiles';
import { fmtCost, fmtNum, formatDuration, formatTime, modelText, traceHref } from '../traces/format';

/** What a turn said, as text: the message's own text and tool calls, or the raw text when it is not a chat. */
function said(text: string): { role: string; text: string }[] {
  const messages = parseChat(text);
  if (!messages) return text ? [{ role: '', text }] : [];
  return messages.map((m) => ({ role: m.role, text: [m.text, ...m.toolCalls.map((c) => `→ ${c.name}(${c.arguments.replace(/\s+/g, ' ')})`)].filter(Boolean).join('\n') }));
}

/** Every request of one conversation id, oldest first, as a transcript. */
export function ConversationView({ profileId, conversationId, onClose }: { profileId: string; conversationId: string; onClose: () => void }) {
  const api = useApi();
  const [conversation, setConversation] = useState<z.infer<typeof Conversation> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.invoke('traces.conversation', { profileId, conversationId }).then(
      (c) => live && setConversation(c),
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [api, profileId, conversationId]);
  const turns = conversation?.turns ?? [];
  const cost = turns.reduce((a, t) => a + (t.costUsd ?? 0), 0);
  const tokens = turns.reduce((a, t) => a + (t.inputTokens ?? 0) + (t.outputTokens ?? 0), 0);
  return (
    <section className="card conversation" aria-label={`Conversation ${conversationId}`} data-testid="conversation-view">
      <IdCardHead what="Conversation" id={conversationId} onClose={onClose} />
      {error ? <p className="error-text">{error}</p> : null}
      {!conversation && !error ? <p className="muted">Loading the conversation…</p> : null}
      {conversation && turns.length === 0 ? (
        <p className="muted">No request with conversation id {conversationId} in the week before now. It may be older, or the id may be mistyped.</p>
      ) : null}
      {turns.length ? (
        <p className="muted" data-testid="conversation-totals">
          {turns.length} turn{turns.length === 1 ? '' : 's'}
          {conversation?.truncated ? ' (the first ones shown)' : ''} · {fmtNum(tokens)} tokens · {fmtCost(cost)}
        </p>
      ) : null}
      <ol className="turns">
        {turns.map((t, i) => (
          <li key={t.traceId} className={`turn ${t.status === 'error' ? 'is-error' : ''}`} data-testid="turn">
            <div className="turn-head">
              <strong>Turn {i + 1}</strong>
              <span className="muted small">
                {formatTime(t.ts)} · {modelText(t.model, t.calledModels)} · {fmtNum(t.inputTokens)} in / {fmtNum(t.outputTokens)} out · {fmtCost(t.costUsd)} · {formatDuration(t.durationNs)}
              </span>
              <a className="button secondary small" href={traceHref(t.traceId, t.tsNs)}>
                Open trace
              </a>
            </div>
            {said(t.input).map((m, j) => (
              <div key={`in-${j}`} className={`msg role-${m.role || 'user'}`}>
                {m.role ? <span className="msg-role">{m.role}</span> : null}
                <div className="msg-text">{m.text}</div>
              </div>
            ))}
            {said(t.output).map((m, j) => (
              <div key={`out-${j}`} className={`msg role-${m.role || 'assistant'}`}>
                <span className="msg-role">{m.role || 'output'}</span>
                <div className="msg-text">{m.text}</div>
              </div>
            ))}
            {t.status === 'error' ? (
              <p className="error-text small">
                Failed at {t.failedSpan}
                {t.errorMessage ? `: ${t.errorMessage}` : ''}
              </p>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

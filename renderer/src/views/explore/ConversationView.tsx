import { useContractQuery } from '../../api/contract-query';
import { IdCardHead } from '../../components/IdCardHead';
import { errorText } from '../setup/use-profiles';
import { fmtCost, fmtNum } from '../traces/format';
import { ConversationTurnView, SystemPrompt } from './ConversationTurnView';
import { useSpanPayloads } from './use-span-payloads';

/**
 * Every request of one conversation id, oldest first, read as a chat: the system prompt once at
 * the top, then each turn's new messages and its answer (the query leaves out the history each
 * input repeats). Long messages fold; "show all" and "raw" fetch the span's payload.
 */
export function ConversationView({ profileId, conversationId, onClose }: { profileId: string; conversationId: string; onClose: () => void }) {
  const payloads = useSpanPayloads(profileId);
  const query = useContractQuery('traces.conversation', { profileId, conversationId });
  const conversation = query.data ?? null;
  const error = query.error ? errorText(query.error) : null;
  const turns = conversation?.turns ?? [];
  const cost = turns.reduce((a, t) => a + (t.costUsd ?? 0), 0);
  const tokens = turns.reduce((a, t) => a + (t.inputTokens ?? 0) + (t.outputTokens ?? 0), 0);
  // The system prompt shown at the top: the first turn's that has one; a later change shows in its turn.
  const systemAt = turns.findIndex((t) => t.system.length > 0);
  const systemTurn = systemAt >= 0 ? turns[systemAt]! : null;
  return (
    <section className="card conversation" aria-label={`Conversation ${conversationId}`} data-testid="conversation-view" data-state={conversation ? 'loaded' : error ? 'error' : 'loading'}>
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
      {systemTurn ? <SystemPrompt turn={systemTurn} messages={systemTurn.system} payloads={payloads} title="System prompt" testId="system-prompt" /> : null}
      <ol className="turns">
        {turns.map((t, i) => (
          <ConversationTurnView key={t.traceId} turn={t} n={i + 1} first={i === systemAt} payloads={payloads} />
        ))}
      </ol>
    </section>
  );
}

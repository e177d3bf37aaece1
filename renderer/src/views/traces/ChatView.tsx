import { useState } from 'react';
import { parseChat, prettyJson } from '../../../../electron/shared/chat-messages';

/** What a bubble shows of a message: the fields both a parsed message and a transcript's capped one have. */
export interface BubbleMessage {
  role: string;
  text: string;
  toolCalls: { name: string; arguments: string }[];
  toolCallId: string;
}

/**
 * Where the rest of a long message comes from. Without `onShowAll` the whole text is here and
 * folding is only on screen; with it, the text is a cut start and "show all" asks for the rest.
 */
export interface Fold {
  /** Characters shown while folded. */
  at: number;
  /** The message's characters before any cut (text and tool arguments). */
  chars: number;
  /** The text here is cut: "show all" must fetch the rest. */
  cut: boolean;
  onShowAll?: () => void;
  loading?: boolean;
  error?: string | null;
}

/** One message as a bubble; text only, never HTML. Long ones fold with "show all" when `fold` is given. */
export function MessageBubble({ message: m, fold, testId }: { message: BubbleMessage; fold?: Fold; testId?: string }) {
  const [open, setOpen] = useState(false);
  const long = fold ? fold.cut || m.text.length > fold.at : false;
  const folded = fold && long && (!open || fold.cut);
  const text = folded ? `${m.text.slice(0, fold.at).trimEnd()}…` : m.text;
  const showAll = () => {
    setOpen(true);
    if (fold?.cut) fold.onShowAll?.();
  };
  return (
    <div className={`msg role-${m.role}`} data-testid={testId} data-folded={folded ? 'true' : 'false'}>
      <span className="msg-role">
        {m.role}
        {m.toolCallId ? ` · answers ${m.toolCallId}` : ''}
      </span>
      {/* Opened with "show all", the whole text is the point: no scroll box inside the bubble. */}
      {text ? (
        <div className="msg-text" style={fold && long && !folded ? { maxHeight: 'none' } : undefined}>
          {text}
        </div>
      ) : null}
      {(folded ? [] : m.toolCalls).map((c, j) => (
        <div key={j} className="tool-call">
          <span className="muted small">calls tool</span> <code>{c.name}</code>
          {c.arguments ? <pre className="io">{c.arguments}</pre> : null}
        </div>
      ))}
      {folded && m.toolCalls.length ? <span className="muted small">{m.toolCalls.length === 1 ? `calls tool ${m.toolCalls[0]!.name}` : `calls ${m.toolCalls.length} tools`}</span> : null}
      {fold && long ? (
        <div className="row tight">
          {folded ? (
            <button type="button" className="secondary small" onClick={showAll} disabled={fold.loading}>
              {fold.loading ? 'Loading…' : `Show all (${fold.chars.toLocaleString()} characters)`}
            </button>
          ) : (
            <button type="button" className="secondary small" onClick={() => setOpen(false)}>
              Show less
            </button>
          )}
          {fold.error ? <span className="error-text small">The rest could not be loaded: {fold.error}</span> : null}
        </div>
      ) : null}
    </div>
  );
}

/** A span's input or output as chat bubbles, or as raw text; always rendered as text, never as HTML. */
export function ChatView({ text, label, bytes, capBytes }: { text: string; label: string; bytes?: number; capBytes?: number }) {
  const [raw, setRaw] = useState(false);
  const messages = parseChat(text);
  const cut = bytes !== undefined && capBytes !== undefined && bytes > capBytes;
  return (
    <div className="chat" data-testid={`chat-${label.toLowerCase()}`}>
      <div className="chat-head">
        <h4>{label}</h4>
        {messages ? (
          <div className="seg" role="group" aria-label={`${label} as`}>
            <button type="button" className={raw ? 'secondary small' : 'small'} aria-pressed={!raw} onClick={() => setRaw(false)}>
              Chat
            </button>
            <button type="button" className={raw ? 'small' : 'secondary small'} aria-pressed={raw} onClick={() => setRaw(true)}>
              Raw JSON
            </button>
          </div>
        ) : null}
      </div>
      {cut ? (
        <p className="muted small">
          Showing the first {capBytes.toLocaleString()} of {bytes.toLocaleString()} bytes.
        </p>
      ) : null}
      {messages && !raw ? (
        <ol className="messages">
          {messages.map((m, i) => (
            <li key={i}>
              <MessageBubble message={m} />
            </li>
          ))}
        </ol>
      ) : (
        <pre className="io">{prettyJson(text)}</pre>
      )}
    </div>
  );
}

import { useState } from 'react';
import { parseChat, prettyJson } from '../../../../electron/shared/chat-messages';

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
            <li key={i} className={`msg role-${m.role}`}>
              <span className="msg-role">
                {m.role}
                {m.toolCallId ? ` · answers ${m.toolCallId}` : ''}
              </span>
              {m.text ? <div className="msg-text">{m.text}</div> : null}
              {m.toolCalls.map((c, j) => (
                <div key={j} className="tool-call">
                  <span className="muted small">calls tool</span> <code>{c.name}</code>
                  {c.arguments ? <pre className="io">{c.arguments}</pre> : null}
                </div>
              ))}
            </li>
          ))}
        </ol>
      ) : (
        <pre className="io">{prettyJson(text)}</pre>
      )}
    </div>
  );
}

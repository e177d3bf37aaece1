import { useState } from 'react';
import type { Conversation } from '../../../../electron/shared/contract';
import { prettyJson, type ChatMessage } from '../../../../electron/shared/chat-messages';
import { capMessages, readInput, readOutput, type PlacedMessage, type TurnMessage, type TurnSide } from '../../../../electron/shared/conversation-turn';
import type { z } from 'zod';
import { MessageBubble } from '../traces/ChatView';
import { fmtCost, fmtNum, formatDuration, formatTime, modelText, traceHref } from '../traces/format';
import type { PayloadState } from './use-span-payloads';

type Turn = z.infer<typeof Conversation>['turns'][number];
export type Which = 'input' | 'system' | 'output';

/** Characters a long message shows while folded. */
export const FOLD_CHARS = 600;

const atMs = (tsNs: string) => Math.floor(Number(BigInt(tsNs) / 1_000_000n));

/** The payload holds only the start of this side (over its 1 MB cap): its JSON cannot be read as messages. */
export function payloadCut(p: PayloadState | null, which: Which): boolean {
  return p?.status === 'done' && (which === 'output' ? p.value.outputBytes : p.value.inputBytes) > p.value.capBytes;
}

/** The messages of one side read from the span's full payload, with the same reader the query uses. */
export function fromPayload(p: PayloadState | null, which: Which): PlacedMessage[] | null {
  if (p?.status !== 'done' || payloadCut(p, which)) return null;
  if (which === 'output') return readOutput(p.value.output).messages;
  const read = readInput(p.value.input);
  return which === 'system' ? read.system : read.fresh;
}

export interface PayloadAccess {
  load: (traceId: string, spanId: string, aroundMs: number) => void;
  get: (traceId: string, spanId: string) => PayloadState | null;
}

/** One carried message: folded when long, its whole text fetched from the span's payload on "show all". */
export function TurnMessageView({ turn, spanId, which, m, payloads, testId }: { turn: Turn; spanId: string; which: Which; m: TurnMessage; payloads: PayloadAccess; testId: string }) {
  const p = payloads.get(turn.traceId, spanId);
  const full: ChatMessage | null = m.cut ? (fromPayload(p, which)?.find((x) => x.index === m.index)?.message ?? null) : null;
  return (
    <MessageBubble
      testId={testId}
      message={full ?? m}
      fold={{
        at: FOLD_CHARS,
        chars: m.chars,
        cut: m.cut && !full,
        onShowAll: () => payloads.load(turn.traceId, spanId, atMs(turn.tsNs)),
        loading: p?.status === 'loading',
        error: !m.cut ? null : p?.status === 'error' ? p.error : payloadCut(p, which) ? 'the span’s payload is over the 1 MB the app loads; Raw shows its start' : p?.status === 'done' && !full ? 'the message is not in the span’s payload any more' : null,
      }}
    />
  );
}

function SideView({ turn, side, which, payloads, label }: { turn: Turn; side: TurnSide; which: Which; payloads: PayloadAccess; label: string }) {
  const p = side.spanId ? payloads.get(turn.traceId, side.spanId) : null;
  // A deferred side is read from the payload once asked for, then shown like any other.
  const loaded = side.kind === 'deferred' ? fromPayload(p, which) : null;
  const messages = loaded ? capMessages(loaded, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER).messages : side.messages;
  const testId = `turn-${which}`;
  return (
    <>
      {side.omitted ? (
        <p className="muted small">
          {side.omitted.toLocaleString()} earlier {label} message{side.omitted === 1 ? '' : 's'} of this turn not shown (the raw view has them).
        </p>
      ) : null}
      {side.kind === 'deferred' && !loaded ? (
        <p className="muted small" data-testid="turn-deferred">
          {side.note}{' '}
          <button type="button" className="secondary small" onClick={() => payloads.load(turn.traceId, side.spanId, atMs(turn.tsNs))} disabled={p?.status === 'loading' || payloadCut(p, which)}>
            {p?.status === 'loading' ? 'Loading…' : `Load the ${label}`}
          </button>
          {p?.status === 'error' ? <span className="error-text"> {p.error}</span> : null}
          {payloadCut(p, which) ? <span className="error-text"> It is over the 1 MB the app loads: Raw shows its start.</span> : null}
        </p>
      ) : null}
      {side.kind === 'other' ? <p className="muted small">The {label} is {side.note.charAt(0).toLowerCase() + side.note.slice(1)}</p> : null}
      {messages.map((m) => (
        <TurnMessageView key={`${which}-${m.index}`} turn={turn} spanId={side.spanId} which={which} m={m} payloads={payloads} testId={testId} />
      ))}
    </>
  );
}

/** The span's input and output as they were sent, for "raw". */
function RawView({ turn, payloads }: { turn: Turn; payloads: PayloadAccess }) {
  const spans = [...new Set([turn.input.spanId, turn.output.spanId].filter(Boolean))];
  const states = spans.map((s) => payloads.get(turn.traceId, s));
  if (!spans.length) return <p className="muted small">This turn has no input or output.</p>;
  const input = states[0]?.status === 'done' ? states[0].value : null;
  const output = (states[1] ?? states[0])?.status === 'done' ? ((states[1] ?? states[0]) as Extract<PayloadState, { status: 'done' }>).value : null;
  const error = states.find((s) => s?.status === 'error');
  return (
    <div data-testid="turn-raw">
      {error?.status === 'error' ? <p className="error-text small">{error.error}</p> : null}
      {!input || !output ? <p className="muted small">Loading the raw input and output…</p> : null}
      {input ? (
        <>
          <h4>Input</h4>
          {input.inputBytes > input.capBytes ? <p className="muted small">Showing the first {input.capBytes.toLocaleString()} of {input.inputBytes.toLocaleString()} bytes.</p> : null}
          <pre className="io">{prettyJson(input.input)}</pre>
        </>
      ) : null}
      {output ? (
        <>
          <h4>Output</h4>
          {output.outputBytes > output.capBytes ? <p className="muted small">Showing the first {output.capBytes.toLocaleString()} of {output.outputBytes.toLocaleString()} bytes.</p> : null}
          <pre className="io">{prettyJson(output.output)}</pre>
        </>
      ) : null}
    </div>
  );
}

/** A system prompt, folded into one line until opened. */
export function SystemPrompt({ turn, messages, payloads, title, testId }: { turn: Turn; messages: TurnMessage[]; payloads: PayloadAccess; title: string; testId: string }) {
  const chars = messages.reduce((a, m) => a + m.chars, 0);
  return (
    <details className="system-prompt" data-testid={testId}>
      <summary>
        {title} <span className="muted small">· {chars.toLocaleString()} characters</span>
      </summary>
      {messages.map((m) => (
        <TurnMessageView key={m.index} turn={turn} spanId={turn.input.spanId} which="system" m={m} payloads={payloads} testId="system-message" />
      ))}
    </details>
  );
}

/** One turn: what is new in its input, its answer, a changed system prompt; "raw" shows what was sent. */
export function ConversationTurnView({ turn: t, n, first, payloads }: { turn: Turn; n: number; first: boolean; payloads: PayloadAccess }) {
  const [raw, setRaw] = useState(false);
  const toggleRaw = () => {
    if (!raw) for (const s of new Set([t.input.spanId, t.output.spanId].filter(Boolean))) payloads.load(t.traceId, s, atMs(t.tsNs));
    setRaw(!raw);
  };
  return (
    <li className={`turn ${t.status === 'error' ? 'is-error' : ''}`} data-testid="turn">
      <div className="turn-head">
        <strong>Turn {n}</strong>
        <span className="muted small">
          {formatTime(t.ts)} · {modelText(t.model, t.calledModels)} · {fmtNum(t.inputTokens)} in / {fmtNum(t.outputTokens)} out · {fmtCost(t.costUsd)} · {formatDuration(t.durationNs)}
        </span>
        {/* The turn's two actions stay together at the end of the line, or of the next one when it wraps. */}
        <span className="row tight" style={{ marginLeft: 'auto' }}>
          <button type="button" className="secondary small" aria-pressed={raw} onClick={toggleRaw}>
            Raw
          </button>
          <a className="button secondary small" href={traceHref(t.traceId, t.tsNs)}>
            Open trace
          </a>
        </span>
      </div>
      {raw ? (
        <RawView turn={t} payloads={payloads} />
      ) : (
        <>
          {!first && t.system.length ? <SystemPrompt turn={t} messages={t.system} payloads={payloads} title="System prompt changed" testId="system-prompt-changed" /> : null}
          <SideView turn={t} side={t.input} which="input" payloads={payloads} label="input" />
          <SideView turn={t} side={t.output} which="output" payloads={payloads} label="answer" />
          {t.input.kind === 'none' && t.output.kind === 'none' ? <p className="muted small">This request carries no messages.</p> : null}
        </>
      )}
      {t.status === 'error' ? (
        <p className="error-text small">
          Failed at {t.failedSpan}
          {t.errorMessage ? `: ${t.errorMessage}` : ''}
        </p>
      ) : null}
    </li>
  );
}

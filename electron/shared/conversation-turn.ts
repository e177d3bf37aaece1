/**
 * What one turn of a conversation said, read from its span's input and output text (the same
 * text the LLM panel shows: core/semantics/span-fields.ts assembles every dialect into it) with
 * the one chat parser, parseChat. A turn's input is the whole history so far; what is new in it
 * is what follows the last assistant message (the previous answer, or the tool call the tool
 * messages answer). The system prompt is set apart, so a transcript shows it once. Used by the
 * conversation query and by the page when it loads a turn's full payload ("show all").
 */
import { z } from 'zod';
import { parseChat, type ChatMessage } from './chat-messages.js';

export const TurnMessage = z.object({
  role: z.string(),
  text: z.string(),
  toolCalls: z.array(z.object({ name: z.string(), arguments: z.string() })),
  toolCallId: z.string(),
  /** Where the message is in its span's whole list: "show all" finds it again in the full payload. */
  index: z.number().int().nonnegative(),
  /** Characters of its text and tool arguments before any cut. */
  chars: z.number().int().nonnegative(),
  /** The text or a tool call's arguments were cut to the cap. */
  cut: z.boolean(),
});
export type TurnMessage = z.infer<typeof TurnMessage>;

/**
 * One side of a turn. `chat`: messages; `text`: a prompt or answer that is plain text (one
 * message); `other`: JSON that is not chat messages (only the raw view shows it); `none`: the
 * turn has none; `deferred`: not read with the conversation (too big, see `note`), the page loads it.
 */
export const TurnSide = z.object({
  /** The span whose payload holds it ('' when none): what the page fetches with traces.payload. */
  spanId: z.string(),
  kind: z.enum(['chat', 'text', 'other', 'none', 'deferred']),
  messages: z.array(TurnMessage),
  /** Messages of this side left out by the count cap (the earliest ones are dropped). */
  omitted: z.number().int().nonnegative(),
  note: z.string(),
});
export type TurnSide = z.infer<typeof TurnSide>;

export const SYSTEM_ROLES: ReadonlySet<string> = new Set(['system', 'developer']);

/** A parsed message and its place in the list it came from. */
export interface PlacedMessage {
  message: ChatMessage;
  index: number;
}

export type ReadKind = 'chat' | 'text' | 'other' | 'none';

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Plain text is one message of `role`; JSON that is not a chat is `other`. */
function read(text: string, role: string): { kind: ReadKind; all: PlacedMessage[] } {
  if (!text) return { kind: 'none', all: [] };
  const messages = parseChat(text);
  if (messages) return { kind: 'chat', all: messages.map((message, index) => ({ message, index })) };
  // A JSON string is a prompt too ("hello" as sent by some SDKs).
  if (isJson(text)) {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'string') return { kind: 'other', all: [] };
    return { kind: 'text', all: [{ message: { role, text: value, toolCalls: [], toolCallId: '' }, index: 0 }] };
  }
  return { kind: 'text', all: [{ message: { role, text, toolCalls: [], toolCallId: '' }, index: 0 }] };
}

/** A turn's input: its system prompt and the messages new since the previous answer. */
export function readInput(text: string): { kind: ReadKind; system: PlacedMessage[]; fresh: PlacedMessage[] } {
  const { kind, all } = read(text, 'user');
  const system = all.filter((m) => SYSTEM_ROLES.has(m.message.role));
  let lastAnswer = -1;
  all.forEach((m, i) => {
    if (m.message.role === 'assistant') lastAnswer = i;
  });
  const fresh = all.slice(lastAnswer + 1).filter((m) => !SYSTEM_ROLES.has(m.message.role));
  return { kind, system, fresh };
}

/** A turn's answer: every message of the output. */
export function readOutput(text: string): { kind: ReadKind; messages: PlacedMessage[] } {
  const { kind, all } = read(text, 'assistant');
  return { kind, messages: all };
}

function cutText(text: string, cap: number): string {
  return text.length > cap ? text.slice(0, cap) : text;
}

/** A message as a transcript carries it: text and each tool call's arguments cut to `cap` characters. */
export function capMessage(p: PlacedMessage, cap: number): TurnMessage {
  const m = p.message;
  const chars = m.text.length + m.toolCalls.reduce((a, c) => a + c.arguments.length, 0);
  const toolCalls = m.toolCalls.map((c) => ({ name: c.name, arguments: cutText(c.arguments, cap) }));
  const cut = m.text.length > cap || m.toolCalls.some((c) => c.arguments.length > cap);
  return { role: m.role, text: cutText(m.text, cap), toolCalls, toolCallId: m.toolCallId, index: p.index, chars, cut };
}

/** At most `max` messages (the latest: they lead to the answer), each cut to `cap` characters. */
export function capMessages(list: PlacedMessage[], max: number, cap: number): { messages: TurnMessage[]; omitted: number } {
  const kept = list.length > max ? list.slice(list.length - max) : list;
  return { messages: kept.map((p) => capMessage(p, cap)), omitted: list.length - kept.length };
}

/** Two system prompts say the same, compared in full (a transcript shows a repeated one once). */
export function sameSystem(a: readonly PlacedMessage[], b: readonly PlacedMessage[]): boolean {
  return a.length === b.length && a.every((m, i) => m.message.role === b[i]!.message.role && m.message.text === b[i]!.message.text);
}

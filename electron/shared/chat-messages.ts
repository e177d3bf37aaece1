/**
 * A span's input or output as chat messages, whatever shape the sender used: a list of
 * messages (OpenAI / the gateway's tfy.input), an object with `messages`, one message, an
 * OpenAI response (`choices`), or OTel GenAI messages with `parts`. Anything else is not a
 * chat, and the page shows the raw text. Text only: nothing here is ever rendered as HTML.
 */
import { z } from 'zod';

export interface ToolCall {
  name: string;
  arguments: string;
}

export interface ChatMessage {
  role: string;
  text: string;
  toolCalls: ToolCall[];
  /** For a tool's answer: which call it answers. */
  toolCallId: string;
}

const Part = z.object({ type: z.string().optional(), text: z.string().optional(), content: z.unknown().optional() }).passthrough();
const RawToolCall = z
  .object({
    function: z.object({ name: z.string().optional(), arguments: z.unknown().optional() }).passthrough().optional(),
    name: z.string().optional(),
    arguments: z.unknown().optional(),
  })
  .passthrough();
const RawMessage = z
  .object({
    role: z.string(),
    content: z.unknown().optional(),
    parts: z.array(Part).optional(),
    tool_calls: z.array(RawToolCall).optional(),
    tool_call_id: z.string().optional(),
    name: z.string().optional(),
  })
  .passthrough();

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    return value
      .map((p) => {
        const part = Part.safeParse(p);
        if (!part.success) return typeof p === 'string' ? p : JSON.stringify(p);
        if (part.data.text !== undefined) return part.data.text;
        if (typeof part.data.content === 'string') return part.data.content;
        if (part.data.type === 'tool_call') return ''; // shown as a tool call
        // GenAI's tool answer: { type: 'tool_call_response', id, response } — the answer is the message's text.
        if (part.data.type === 'tool_call_response') {
          const response = (p as Record<string, unknown>).response;
          return typeof response === 'string' ? response : response === undefined ? '' : JSON.stringify(response, null, 2);
        }
        return `[${part.data.type ?? 'part'}]`;
      })
      .filter(Boolean)
      .join('\n');
  }
  return JSON.stringify(value, null, 2);
}

function toolCallsOf(m: z.infer<typeof RawMessage>): ToolCall[] {
  const calls = (m.tool_calls ?? []).map((c) => ({ name: c.function?.name ?? c.name ?? '?', arguments: asArgs(c.function?.arguments ?? c.arguments) }));
  // GenAI parts: { type: 'tool_call', name, arguments }
  for (const p of m.parts ?? []) if (p.type === 'tool_call') calls.push({ name: String((p as Record<string, unknown>).name ?? '?'), arguments: asArgs((p as Record<string, unknown>).arguments) });
  return calls;
}

function asArgs(v: unknown): string {
  if (typeof v !== 'string') return v === undefined ? '' : JSON.stringify(v, null, 2);
  try {
    return JSON.stringify(JSON.parse(v), null, 2);
  } catch {
    return v;
  }
}

function toMessage(raw: unknown): ChatMessage | null {
  const m = RawMessage.safeParse(raw);
  if (!m.success) return null;
  const answered = m.data.parts?.find((p) => p.type === 'tool_call_response') as Record<string, unknown> | undefined;
  const toolCallId = m.data.tool_call_id ?? (typeof answered?.id === 'string' ? answered.id : '');
  return { role: m.data.role, text: asText(m.data.parts ?? m.data.content), toolCalls: toolCallsOf(m.data), toolCallId };
}

function toMessages(list: unknown[]): ChatMessage[] | null {
  const out = list.map(toMessage);
  return out.length > 0 && out.every((m) => m !== null) ? (out as ChatMessage[]) : null;
}

export function parseChat(text: string): ChatMessage[] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (Array.isArray(value)) return toMessages(value);
  if (!value || typeof value !== 'object') return null;
  const o = value as Record<string, unknown>;
  if (Array.isArray(o.messages)) return toMessages(o.messages);
  if (Array.isArray(o.choices)) {
    const messages = o.choices.map((c) => toMessage((c as Record<string, unknown> | null)?.message ?? (c as Record<string, unknown> | null)?.delta));
    return messages.length && messages.every((m) => m !== null) ? (messages as ChatMessage[]) : null;
  }
  const one = toMessage(value);
  return one ? [one] : null;
}

/** Pretty JSON when the text is JSON; else the text as it came. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

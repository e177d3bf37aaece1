/**
 * A span's input and output as the LLM panel and the transcript show them, from its attributes,
 * per dialect (span-facts.ts INPUT_MESSAGES / OUTPUT_MESSAGES): one attribute holding the
 * messages, or indexed keys (`gen_ai.prompt.0.role`, `llm.input_messages.0.message.content`)
 * assembled into the same JSON list of messages, so the page parses one shape.
 */
import { TFY } from './gateway-attributes.js';
import { INPUT_MESSAGES, OUTPUT_MESSAGES, SPAN_FACTS, SYSTEM_INSTRUCTIONS_KEY, type MessageSource } from './span-facts.js';

export interface LlmFields {
  spanType: string;
  input: string;
  output: string;
  errorMessage: string;
}

/** Indexed keys stop at the first gap; a prompt longer than this many messages is cut (the raw attributes keep all). */
const MAX_INDEXED_MESSAGES = 500;

function indexedMessages(attributes: Record<string, string>, ix: NonNullable<MessageSource['indexed']>): string {
  const messages: { role: string; content: string }[] = [];
  for (let i = 0; i < MAX_INDEXED_MESSAGES; i++) {
    const role = attributes[`${ix.prefix}.${i}.${ix.role}`];
    const content = attributes[`${ix.prefix}.${i}.${ix.content}`];
    if (role === undefined && content === undefined) break;
    messages.push({ role: role || 'user', content: content ?? '' });
  }
  return messages.length ? JSON.stringify(messages) : '';
}

/** The first source present, as text: the attribute's value, or the indexed messages as a JSON list. */
export function messagesText(attributes: Record<string, string>, sources: readonly MessageSource[]): string {
  for (const s of sources) {
    const text = s.key ? (attributes[s.key] ?? '') : s.indexed ? indexedMessages(attributes, s.indexed) : '';
    if (text) return text;
  }
  return '';
}

/** The input, with GenAI's separate system instructions put first as a system message. */
export function inputText(attributes: Record<string, string>): string {
  const input = messagesText(attributes, INPUT_MESSAGES);
  const system = attributes[SYSTEM_INSTRUCTIONS_KEY];
  if (!system) return input;
  try {
    const parts: unknown = JSON.parse(system);
    const list: unknown = input ? JSON.parse(input) : [];
    if (Array.isArray(list)) return JSON.stringify([{ role: 'system', parts: Array.isArray(parts) ? parts : [{ type: 'text', content: String(parts) }] }, ...(list as unknown[])]);
  } catch {
    // Not JSON: show what was sent as it is.
  }
  return input || system;
}

export function outputText(attributes: Record<string, string>): string {
  return messagesText(attributes, OUTPUT_MESSAGES);
}

export function llmFields(attributes: Record<string, string>): LlmFields {
  const error = SPAN_FACTS.errorMessage.keys.map((k) => attributes[k.key]).find(Boolean) ?? '';
  return { spanType: attributes[TFY.spanType] ?? '', input: inputText(attributes), output: outputText(attributes), errorMessage: error };
}

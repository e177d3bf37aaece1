/** The gateway's facts about one span, from its attributes: what the trace view's LLM panel shows. */
import { ERROR_MESSAGE_KEYS, INPUT_TEXT_KEYS, OUTPUT_TEXT_KEYS, TFY } from './gateway-attributes.js';

export interface LlmFields {
  spanType: string;
  input: string;
  output: string;
  errorMessage: string;
}

function first(attributes: Record<string, string>, keys: readonly string[]): string {
  for (const k of keys) {
    const v = attributes[k];
    if (v) return v;
  }
  return '';
}

export function llmFields(attributes: Record<string, string>): LlmFields {
  return {
    spanType: attributes[TFY.spanType] ?? '',
    input: first(attributes, INPUT_TEXT_KEYS),
    output: first(attributes, OUTPUT_TEXT_KEYS),
    errorMessage: first(attributes, ERROR_MESSAGE_KEYS),
  };
}

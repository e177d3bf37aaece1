import { useState } from 'react';

/** A button's accessible name names what it copies: a long value by its start (a 6 KB prompt is not read out). */
const NAMED_CHARS = 80;

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      className="secondary small"
      aria-label={`${label}: ${text.length > NAMED_CHARS ? `${text.slice(0, NAMED_CHARS)}… (${text.length.toLocaleString()} characters)` : text}`}
      onClick={() => {
        navigator.clipboard.writeText(text).then(
          () => setState('copied'),
          () => setState('failed'),
        );
        window.setTimeout(() => setState('idle'), 1500);
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}

/**
 * Why bare words found nothing: as in HyperDX they look in span names (and here in the input,
 * output and error texts too), never in who sent a request or which model answered it. Without
 * this, `alice` finding nothing reads as "alice sent nothing".
 */
export function BareWordHint({ words }: { words: string[] }) {
  const word = words[0];
  if (word === undefined) return null;
  // A wildcard word stays unquoted: quoted, `user:"ali*"` would look for the star itself.
  const value = /^[\w.@/*?-]+$/.test(word) ? word : `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const named = words.map((w) => `“${w}”`).join(', ');
  return (
    <p className="muted small pad-x" data-testid="bare-word-hint">
      A bare word looks in span names, as in HyperDX, and in the input, output and error texts: {named} {words.length === 1 ? 'is' : 'are'} in none of them here. To find a user, a
      model or a conversation, name the field: <code>user:{value}</code>, <code>model:{value}</code>, <code>conversation:{value}</code>, or any attribute as{' '}
      <code>SpanAttributes.&lt;key&gt;:{value}</code>.
    </p>
  );
}

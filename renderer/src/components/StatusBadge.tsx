export type Tone = 'ok' | 'warn' | 'bad' | 'idle';

export function StatusBadge({ tone, children }: { tone: Tone; children: string }) {
  return (
    <span className={`badge ${tone}`} role="status">
      <span className="dot" aria-hidden="true" />
      {children}
    </span>
  );
}

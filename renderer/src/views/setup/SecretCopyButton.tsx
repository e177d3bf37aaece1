import { useState } from 'react';
import { useApi } from '../../api/context';
import { errorText } from './use-profiles';

/** Copies a secret without the page ever holding it: the app writes the clipboard itself (desktop), or says why not (browser). */
export function SecretCopyButton({ profileId, kind, label }: { profileId: string; kind: 'otlpToken' | 'clickhousePassword'; label: string }) {
  const api = useApi();
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <>
      <button
        type="button"
        className="secondary small"
        data-testid={`copy-secret-${kind}`}
        onClick={() => {
          setNote(null);
          api.invoke('secrets.copy', { profileId, kind }).then(
            (r) => setNote({ ok: r.copied, text: r.detail }),
            (e: unknown) => setNote({ ok: false, text: errorText(e) }),
          );
        }}
      >
        {label}
      </button>{' '}
      {note ? (
        <span className={note.ok ? 'muted' : 'warn-text'} role="status">
          {note.text}
        </span>
      ) : null}
    </>
  );
}

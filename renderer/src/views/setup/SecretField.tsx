import { useState } from 'react';
import { useApi } from '../../api/context';
import { errorText } from './use-profiles';

/** Replace or clear a secret. The current value is never sent to the page, so it is never shown. */
export function SecretField({ profileId, kind, label, isSet }: { profileId: string; kind: 'clickhousePassword' | 'otlpToken'; label: string; isSet: boolean }) {
  const api = useApi();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    work()
      .then(() => setValue(''))
      .catch((e: unknown) => setError(errorText(e)))
      .finally(() => setBusy(false));
  };
  return (
    <div className="field" data-testid={`secret-${kind}`}>
      <span>
        {label} <em className="muted">{isSet ? '— stored in the keychain' : '— not set'}</em>
      </span>
      <div className="row tight">
        <input type="password" autoComplete="off" placeholder={isSet ? 'Enter a new value to replace it' : 'Enter a value'} value={value} onChange={(e) => setValue(e.target.value)} aria-label={label} />
        <button type="button" className="secondary small" disabled={busy || value === ''} onClick={() => run(() => api.invoke('secrets.set', { profileId, kind, value }))}>
          {isSet ? 'Replace' : 'Save'}
        </button>
        <button type="button" className="secondary small" disabled={busy || !isSet} onClick={() => run(() => api.invoke('secrets.clear', { profileId, kind }))}>
          Clear
        </button>
      </div>
      {error ? (
        <small className="error-text" role="alert">
          {error}
        </small>
      ) : null}
    </div>
  );
}

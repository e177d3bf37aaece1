import { useState } from 'react';
import { useApi } from '../../api/context';
import { errorText } from './use-profiles';

export type VaultBackend = 'keychain' | 'memory' | 'none';

/** Where a secret is, or would go, said the same way everywhere. */
export function secretWhere(backend: VaultBackend, isSet: boolean): string {
  if (isSet) return backend === 'memory' ? 'kept in memory for this run only (gone when the app quits)' : 'stored in the keychain';
  if (backend === 'memory') return 'not set; a value you save is kept in memory for this run only';
  if (backend === 'none') return 'not set; there is no keychain, so choose “Keep secrets in memory for this run” above to set one';
  return 'not set; a value you save goes to the OS keychain';
}

/** Replace or clear a secret. The current value is never sent to the page, so it is never shown. */
export function SecretField({ profileId, kind, label, isSet, backend }: { profileId: string; kind: 'clickhousePassword' | 'otlpToken'; label: string; isSet: boolean; backend: VaultBackend }) {
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
        {label} <em className="muted" data-testid={`secret-where-${kind}`}>— {secretWhere(backend, isSet)}</em>
      </span>
      <div className="row tight">
        <input type="password" autoComplete="off" placeholder={isSet ? 'Type to replace it' : 'Enter a value'} value={value} onChange={(e) => setValue(e.target.value)} aria-label={label} />
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

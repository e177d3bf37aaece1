import { useState } from 'react';
import { useApi } from '../../api/context';
import { errorText, type ProfilesStateT } from './use-profiles';
import { ErrorLine } from '../../components/ErrorLine';

export function ProfileBar({ state, selectedId, onSelect, onNew }: { state: ProfilesStateT; selectedId: string; onSelect: (id: string) => void; onNew: () => void }) {
  const api = useApi();
  const [error, setError] = useState<string | null>(null);
  // A copy made here, and which secrets its source had: a copy gets none of them (the app does not carry a password to
  // what may be another server), and until they are entered the copy says so instead of silently lacking them.
  const [copied, setCopied] = useState<{ copyId: string; sourceName: string; password: boolean; token: boolean } | null>(null);
  const selected = state.profiles.find((p) => p.id === selectedId);
  const copy = copied && copied.copyId === selectedId ? selected : undefined;
  const missing = copy && copied ? [copied.password && !copy.passwordSet ? 'ClickHouse password' : null, copied.token && !copy.tokenSet ? 'OTLP token' : null].filter((m): m is string => m !== null) : [];
  const duplicate = async () => {
    const source = selected;
    const made = await api.invoke('profiles.duplicate', { id: selectedId });
    setCopied(source && (source.passwordSet || source.tokenSet) ? { copyId: made.id, sourceName: source.name, password: source.passwordSet, token: source.tokenSet } : null);
    onSelect(made.id);
  };
  const act = (work: () => Promise<unknown>) => {
    setError(null);
    work().catch((e: unknown) => setError(errorText(e)));
  };
  return (
    <section className="card profile-bar" aria-label="Profiles">
      <div className="row wrap">
        <label className="field inline">
          <span>Profile</span>
          <select value={selectedId} onChange={(e) => onSelect(e.target.value)} data-testid="profile-select">
            {state.profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
                {p.id === state.activeProfileId ? ' (active)' : ''}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="secondary" onClick={onNew}>
          New profile
        </button>
        <button type="button" className="secondary" onClick={() => act(duplicate)}>
          Duplicate
        </button>
        <button
          type="button"
          className="secondary"
          disabled={selected?.kind === 'sandbox'}
          onClick={() => {
            if (window.confirm(`Delete the profile “${selected?.name}” and its stored secrets?`)) act(async () => onSelect((await api.invoke('profiles.delete', { id: selectedId })).activeProfileId));
          }}
        >
          Delete
        </button>
        <button type="button" disabled={selectedId === state.activeProfileId} onClick={() => act(() => api.invoke('profiles.activate', { id: selectedId }))}>
          {selectedId === state.activeProfileId ? 'Active' : 'Make active'}
        </button>
      </div>
      <ErrorLine error={error} />
      {copy && copied && missing.length ? (
        <p className="banner note" role="status" data-testid="duplicate-secrets-note">
          “{copy.name}” starts without the {missing.join(' and ')} of “{copied.sourceName}”: secrets are not copied with a profile. Enter the {missing.length === 1 ? missing[0] : 'password and token'} for the copy below.
        </p>
      ) : null}
      {state.loadProblem ? (
        <div className="banner error" role="alert">
          {state.loadProblem}
        </div>
      ) : null}
      {state.vault.backend !== 'keychain' ? <VaultBanner state={state} needsSecret={selected?.kind !== 'sandbox'} onUseMemory={() => act(() => api.invoke('vault.useMemory', {}))} /> : null}
    </section>
  );
}

/**
 * Where secrets go when there is no keychain. Red only when the profile in view needs a secret:
 * the Local sandbox needs none, so there it is a neutral note that says why nothing is missing.
 */
function VaultBanner({ state, needsSecret, onUseMemory }: { state: ProfilesStateT; needsSecret: boolean; onUseMemory: () => void }) {
  const none = state.vault.backend === 'none';
  const tone = !none ? 'warn' : needsSecret ? 'error' : 'note';
  return (
    <div className={`banner ${tone}`} role="status" data-testid="vault-banner" data-tone={tone}>
      {/* For the sandbox the note says it once; the keychain's own reason stays on hover, for whoever sets one up. */}
      <span title={none && !needsSecret ? state.vault.detail : undefined}>
        {none && !needsSecret ? 'No OS keychain here. The Local sandbox needs no password or token, so nothing is missing; a profile for your own ClickStack will need one.' : state.vault.detail}
      </span>
      {none ? (
        <button type="button" className="secondary small" onClick={onUseMemory}>
          Keep secrets in memory for this run
        </button>
      ) : null}
    </div>
  );
}

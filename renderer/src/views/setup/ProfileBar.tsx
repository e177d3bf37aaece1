import { useState } from 'react';
import { useApi } from '../../api/context';
import { errorText, type ProfilesStateT } from './use-profiles';
import { ErrorLine } from '../../components/ErrorLine';

export function ProfileBar({ state, selectedId, onSelect, onNew }: { state: ProfilesStateT; selectedId: string; onSelect: (id: string) => void; onNew: () => void }) {
  const api = useApi();
  const [error, setError] = useState<string | null>(null);
  const selected = state.profiles.find((p) => p.id === selectedId);
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
        <button type="button" className="secondary" onClick={() => act(async () => onSelect((await api.invoke('profiles.duplicate', { id: selectedId })).id))}>
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
      <span>
        {none && !needsSecret
          ? `No OS keychain here. The Local sandbox needs no password or token, so nothing is missing; a profile for your own ClickStack will need one. ${state.vault.detail}`
          : state.vault.detail}
      </span>
      {none ? (
        <button type="button" className="secondary small" onClick={onUseMemory}>
          Keep secrets in memory for this run
        </button>
      ) : null}
    </div>
  );
}

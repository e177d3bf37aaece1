import { useState } from 'react';
import { ViewHeader } from '../components/ViewHeader';
import { SandboxCard } from './SandboxCard';
import { ProfileBar } from './setup/ProfileBar';
import { ProfileForm } from './setup/ProfileForm';
import { SetupSteps } from './setup/SetupSteps';
import { useProfiles } from './setup/use-profiles';

export function SetupView() {
  const { state, error } = useProfiles();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const current = state ? (state.profiles.find((p) => p.id === (selectedId ?? state.activeProfileId)) ?? state.profiles[0]!) : null;

  return (
    <>
      <ViewHeader title="Setup" subtitle="Connect the TrueFoundry AI Gateway to ClickStack, one verified step at a time." />
      {error ? <div className="banner error">{error}</div> : null}
      {state && current ? (
        <>
          <ProfileBar
            state={state}
            selectedId={current.id}
            onSelect={(id) => {
              setCreating(false);
              setSelectedId(id);
            }}
            onNew={() => setCreating(true)}
          />
          {creating ? (
            <ProfileForm
              key="new"
              profile={null}
              vaultBackend={state.vault.backend}
              onSaved={(id) => {
                setCreating(false);
                setSelectedId(id);
              }}
              onCancel={() => setCreating(false)}
            />
          ) : (
            <>
              {current.kind === 'sandbox' ? <SandboxCard /> : null}
              <ProfileForm key={current.id} profile={current} onSaved={setSelectedId} vaultBackend={state.vault.backend} />
              <SetupSteps key={`steps-${current.id}`} profile={current} />
            </>
          )}
        </>
      ) : (
        <p className="muted">Loading profiles…</p>
      )}
    </>
  );
}

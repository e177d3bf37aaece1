import { useEffect, useState } from 'react';
import type { ProfilesState } from '../../../../electron/shared/contract';
import type { z } from 'zod';
import { useApi } from '../../api/context';

export type ProfilesStateT = z.infer<typeof ProfilesState>;

/** Profiles from the app, kept current by the profiles.changed event. */
export function useProfiles(): { state: ProfilesStateT | null; error: string | null; setState: (s: ProfilesStateT) => void } {
  const api = useApi();
  const [state, setState] = useState<ProfilesStateT | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.invoke('profiles.list', {}).then(
      (s) => live && setState(s),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    const off = api.on('profiles.changed', (s) => setState(s));
    return () => {
      live = false;
      off();
    };
  }, [api]);
  return { state, error, setState };
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

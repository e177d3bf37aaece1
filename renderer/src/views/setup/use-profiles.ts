import type { ProfilesState } from '../../../../electron/shared/contract';
import type { z } from 'zod';
import { useApi, useEventState } from '../../api/context';

export type ProfilesStateT = z.infer<typeof ProfilesState>;

/** Profiles from the app, kept current by the profiles.changed event. */
export function useProfiles(): { state: ProfilesStateT | null; error: string | null; setState: (s: ProfilesStateT) => void } {
  const api = useApi();
  const { value, error, set } = useEventState('profiles.changed', () => api.invoke('profiles.list', {}));
  return { state: value, error, setState: set };
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

import { useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { ProfilesState } from '../../../electron/shared/contract';
import { contractKey, useContractQuery } from './contract-query';

export type ProfilesStateT = z.infer<typeof ProfilesState>;
export type ProfileT = ProfilesStateT['profiles'][number];

/** Profiles, asked once for the page and kept current by profiles.changed (cache-events.tsx). */
export function useProfiles(): { state: ProfilesStateT | null; error: string | null; setState: (s: ProfilesStateT) => void } {
  const client = useQueryClient();
  const query = useContractQuery('profiles.list', {}, { staleTime: Infinity });
  return {
    state: query.data ?? null,
    error: query.error ? query.error.message : null,
    setState: (s) => client.setQueryData(contractKey('profiles.list', {}), s),
  };
}

/** The active profile, or null while profiles load. */
export function useActiveProfile(): ProfileT | null {
  const { state } = useProfiles();
  return state?.profiles.find((p) => p.id === state.activeProfileId) ?? null;
}

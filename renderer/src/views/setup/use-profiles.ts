/** Profiles for the views: one cached query for the page (api/profiles.ts), kept current by profiles.changed. */
export { useProfiles, type ProfilesStateT } from '../../api/profiles';

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

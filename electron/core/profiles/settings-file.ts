/**
 * Loads and checks the settings file before the store opens it. A corrupt or hand-edited
 * file is moved aside as a backup and reported, never silently reset or crashed on.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { describeIssues } from '../../shared/contract.js';
import { Settings, defaultSettings } from '../../shared/profile-schema.js';

export interface LoadedSettings {
  settings: Settings;
  /** One sentence for the user when the file could not be used, with where the backup went. */
  problem: string | null;
}

export function loadSettingsFile(path: string, now = new Date()): LoadedSettings {
  if (!existsSync(path)) return { settings: defaultSettings(), problem: null };
  let why: string;
  try {
    const parsed = Settings.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (parsed.success) return { settings: parsed.data, problem: null };
    why = `it does not match the expected settings (${describeIssues(parsed.error)})`;
  } catch (error) {
    why = `it is not valid JSON (${error instanceof Error ? error.message : 'parse error'})`;
  }
  const backup = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, backup);
  return {
    settings: defaultSettings(),
    problem: `The settings file could not be used because ${why}. It was kept as ${backup}; the app started with default settings.`,
  };
}

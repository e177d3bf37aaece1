/** The settings file in plain Node (web bridge, CLI): the same file electron-store writes under Electron. */
import Conf from 'conf';
import type { KeyValueFile } from './profile-store.js';
import { SETTINGS_FILE_NAME } from '../compose-core.js';

export function openConfFile(dataDir: string): KeyValueFile {
  return new Conf<Record<string, unknown>>({ cwd: dataDir, configName: SETTINGS_FILE_NAME, projectName: 'clickstack-tray' });
}

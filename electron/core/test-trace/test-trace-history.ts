/** The last 20 test traces, kept in a small JSON file beside the settings. */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { TestTraceResult } from '../../shared/test-trace-result.js';
import { logger } from '../log.js';

const log = logger('test-trace');

export const HISTORY_LIMIT = 20;

export class TestTraceHistory {
  private entries: TestTraceResult[] = [];
  private readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'test-traces.json');
    if (existsSync(this.path)) {
      try {
        this.entries = z.array(TestTraceResult).parse(JSON.parse(readFileSync(this.path, 'utf8'))).slice(0, HISTORY_LIMIT);
      } catch (error) {
        log.warn('The test-trace history could not be read and starts empty', error);
      }
    }
  }

  list(): TestTraceResult[] {
    return this.entries;
  }

  add(result: TestTraceResult): void {
    this.entries = [result, ...this.entries].slice(0, HISTORY_LIMIT);
    // Write to a temp file and rename, so a crash never leaves half a file.
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.entries, null, 2));
    renameSync(tmp, this.path);
  }
}

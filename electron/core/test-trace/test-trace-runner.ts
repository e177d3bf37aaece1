/** Runs test traces for profiles and keeps their history; one run per profile at a time. */
import { BadInputError } from '../errors.js';
import type { ProfilesService } from '../profiles/profiles-service.js';
import type { SetupService } from '../setup/setup-service.js';
import { TestTraceHistory } from './test-trace-history.js';
import type { TestTraceResult } from '../../shared/test-trace-result.js';
import { runTestTrace } from './test-trace-service.js';

export class TestTraceRunner {
  private readonly running = new Set<string>();
  readonly history: TestTraceHistory;

  constructor(
    private readonly profiles: ProfilesService,
    private readonly setup: SetupService,
    dataDir: string,
  ) {
    this.history = new TestTraceHistory(dataDir);
  }

  async run(profileId: string, useGatewayServiceName: boolean, onProgress: (r: TestTraceResult) => void): Promise<TestTraceResult> {
    if (this.running.has(profileId)) throw new BadInputError('A test trace is already running for this profile.');
    this.running.add(profileId);
    try {
      const profile = this.profiles.resolve(profileId);
      const result = await runTestTrace(
        {
          target: await this.setup.target(profileId),
          profileId,
          profileName: profile.name,
          useGatewayServiceName,
          hyperdxUrl: profile.hyperdxUrl,
          hyperdxSourceId: profile.hyperdxSourceId,
          onDatabase: (db) => this.profiles.recordDatabase(profileId, db),
        },
        onProgress,
      );
      this.history.add(result);
      return result;
    } finally {
      this.running.delete(profileId);
    }
  }
}

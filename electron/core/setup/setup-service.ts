/** Runs the integration guide's steps for a profile, with its secrets fetched from the vault. */
import type { ProfilesService } from '../profiles/profiles-service.js';
import { runAllSteps, runStepOn, type CheckTarget } from './check-target.js';
import { destinationWarnings } from './endpoint-warnings.js';
import { dockerRunCommand, dockerRunNote, readOnlyUserNote, TRUEFOUNDRY_PATH, trueFoundryValues } from './integration-guide.js';
import { mayChangeSettings } from '../clickhouse/setting-hints.js';
import { destinationOf } from '../otlp/otlp-destination.js';
import type { StepId, StepResult } from '../../shared/step-result.js';

export class SetupService {
  constructor(private readonly profiles: ProfilesService) {}

  async target(profileId: string): Promise<CheckTarget> {
    const p = this.profiles.resolve(profileId);
    return {
      kind: p.kind,
      clickhouseUrl: p.clickhouseUrl,
      clickhouseUser: p.clickhouseUser,
      password: (await this.profiles.secret(profileId, 'clickhousePassword')) ?? '',
      database: p.database,
      otlpEndpoint: p.otlpEndpoint,
      otlpProtocol: p.otlpProtocol,
      otlpGrpcEndpoint: p.otlpGrpcEndpoint,
      otlpToken: await this.profiles.secret(profileId, 'otlpToken'),
      healthUrl: p.healthUrlEffective,
      serviceName: p.serviceName,
    };
  }

  async guide(profileId: string) {
    const p = this.profiles.resolve(profileId);
    const tokenSet = (await this.profiles.secret(profileId, 'otlpToken')) !== null;
    // Known once the ClickHouse step (or any query) met a read-only refusal for this user.
    const readOnly = p.kind !== 'sandbox' && !mayChangeSettings({ url: p.clickhouseUrl, user: p.clickhouseUser, password: (await this.profiles.secret(profileId, 'clickhousePassword')) ?? '' });
    const notes = [readOnly ? readOnlyUserNote(p.clickhouseUser) : null, dockerRunNote(p.clickhouseUrl)].filter((n): n is string => n !== null);
    return {
      dockerRun: dockerRunCommand({ clickhouseUrl: p.clickhouseUrl, clickhouseUser: readOnly ? null : p.clickhouseUser, database: p.database, withToken: tokenSet }),
      dockerNote: notes.length ? notes.join(' ') : null,
      truefoundryPath: TRUEFOUNDRY_PATH,
      truefoundry: trueFoundryValues(destinationOf(p, null), tokenSet),
      warnings: p.kind === 'sandbox' ? [] : destinationWarnings(destinationOf(p, null)),
    };
  }

  async runStep(profileId: string, step: StepId): Promise<StepResult> {
    return runStepOn(await this.target(profileId), step, (db) => this.profiles.recordDatabase(profileId, db));
  }

  async runAll(profileId: string): Promise<StepResult[]> {
    return runAllSteps(await this.target(profileId), (db) => this.profiles.recordDatabase(profileId, db));
  }
}

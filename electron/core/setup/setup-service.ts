/** Runs one step of the integration guide for a profile, with its secrets fetched from the vault. */
import type { ProfilesService } from '../profiles/profiles-service.js';
import { checkClickHouse } from './clickhouse-check.js';
import { checkCollectorHealth, checkOtlpEndpoint } from './collector-check.js';
import { dockerRunCommand, TRUEFOUNDRY_PATH, trueFoundryValues } from './integration-guide.js';
import { otlpEndpointWarnings } from './endpoint-warnings.js';
import { checkGatewaySpans } from './spans-check.js';
import { failed, passed, type StepId, type StepResult } from './step-result.js';

export class SetupService {
  constructor(private readonly profiles: ProfilesService) {}

  async guide(profileId: string) {
    const p = this.profiles.resolve(profileId);
    const tokenSet = (await this.profiles.secret(profileId, 'otlpToken')) !== null;
    return {
      dockerRun: dockerRunCommand({ clickhouseUrl: p.clickhouseUrl, clickhouseUser: p.clickhouseUser, database: p.database, withToken: tokenSet }),
      truefoundryPath: TRUEFOUNDRY_PATH,
      truefoundry: trueFoundryValues(p.otlpEndpoint, tokenSet),
      warnings: p.kind === 'sandbox' ? [] : otlpEndpointWarnings(p.otlpEndpoint),
    };
  }

  async runStep(profileId: string, step: StepId): Promise<StepResult> {
    const p = this.profiles.resolve(profileId);
    const password = (await this.profiles.secret(profileId, 'clickhousePassword')) ?? '';
    switch (step) {
      case 'clickhouse': {
        const outcome = await checkClickHouse({ url: p.clickhouseUrl, user: p.clickhouseUser, password });
        if (outcome.database) this.profiles.recordDatabase(profileId, outcome.database);
        return outcome.result;
      }
      case 'collector':
        return checkCollectorHealth(p.healthUrlEffective);
      case 'otlp':
        return checkOtlpEndpoint(p.otlpEndpoint, await this.profiles.secret(profileId, 'otlpToken'));
      case 'truefoundry': {
        // Nothing to probe on TrueFoundry's side: this step passes when the endpoint is one the SaaS gateway can reach.
        const warnings = p.kind === 'sandbox' ? [] : otlpEndpointWarnings(p.otlpEndpoint);
        return warnings.length === 0
          ? passed('truefoundry', p.kind === 'sandbox' ? 'The sandbox takes spans from anything on this machine; TrueFoundry needs a public endpoint.' : 'The endpoint is a public https URL ending in /v1/traces, as TrueFoundry needs.')
          : failed('truefoundry', warnings[0]!, 'Fix the OTLP endpoint in this profile, then paste the values above into TrueFoundry.');
      }
      case 'spans': {
        const database = this.profiles.resolve(profileId).database;
        if (!database) return failed('spans', 'The traces table has not been found yet.', 'Run the ClickHouse step first.');
        return checkGatewaySpans({ url: p.clickhouseUrl, user: p.clickhouseUser, password, database, serviceName: p.serviceName });
      }
    }
  }
}

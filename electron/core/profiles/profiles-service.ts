/** Profiles as the renderer sees them: settings, which secrets are set (never their values), warnings, and the live sandbox URLs. */
import type { z } from 'zod';
import type { ProfileView, ProfilesState } from '../../shared/contract.js';
import type { SandboxSupervisor } from '../sandbox-supervisor.js';
import { clickhouseUrlWarnings, destinationWarnings } from '../setup/endpoint-warnings.js';
import { destinationOf } from '../otlp/otlp-destination.js';
import { secretAccount, type SecretKind } from '../vault/secret-vault.js';
import type { VaultManager } from '../vault/vault-manager.js';
import { effectiveHealthUrl, type Profile } from '../../shared/profile-schema.js';
import type { ProfileInput, ProfileStore } from './profile-store.js';
import { BadInputError } from '../errors.js';

/** The URLs a check should use: a sandbox profile takes them from the running sandbox. */
export interface ResolvedProfile extends Profile {
  healthUrlEffective: string;
}

export class ProfilesService {
  constructor(
    private readonly store: ProfileStore,
    private readonly vault: VaultManager,
    private readonly sandbox: SandboxSupervisor | null,
    private readonly loadProblem: string | null,
    private readonly onChange: () => void,
  ) {}

  resolve(id: string): ResolvedProfile {
    const profile = this.store.get(id);
    if (profile.kind === 'sandbox') {
      const endpoints = this.sandbox?.status.endpoints;
      if (!endpoints) {
        const why = this.sandbox?.restarting
          ? 'The local sandbox stopped unexpectedly and is restarting on its own; this clears in a few seconds.'
          : this.sandbox?.status.state === 'starting'
            ? 'The local sandbox is still starting.'
            : 'The local sandbox is not running; start it from the Setup view.';
        throw new BadInputError(why);
      }
      return { ...profile, otlpEndpoint: endpoints.otlp, otlpGrpcEndpoint: `http://${endpoints.otlpGrpc}`, clickhouseUrl: endpoints.clickhouse, healthUrl: endpoints.health, healthUrlEffective: endpoints.health };
    }
    return { ...profile, healthUrlEffective: effectiveHealthUrl(profile) };
  }

  secret(id: string, kind: SecretKind): Promise<string | null> {
    return this.vault.read(secretAccount(id, kind));
  }

  private async view(profile: Profile): Promise<z.infer<typeof ProfileView>> {
    let shown: Profile = profile;
    let healthUrl = profile.healthUrl;
    if (profile.kind === 'sandbox') {
      const endpoints = this.sandbox?.status.endpoints;
      if (endpoints) shown = { ...profile, otlpEndpoint: endpoints.otlp, otlpGrpcEndpoint: `http://${endpoints.otlpGrpc}`, clickhouseUrl: endpoints.clickhouse };
      healthUrl = endpoints?.health ?? null;
    }
    const [password, token] = await Promise.all([this.secret(profile.id, 'clickhousePassword'), this.secret(profile.id, 'otlpToken')]);
    const warnings = profile.kind === 'sandbox' ? [] : [...destinationWarnings(destinationOf(shown, null)), ...clickhouseUrlWarnings(shown.clickhouseUrl)];
    return { ...shown, healthUrl, passwordSet: password !== null, tokenSet: token !== null, warnings };
  }

  async state(): Promise<z.infer<typeof ProfilesState>> {
    const { activeProfileId, profiles } = this.store.list();
    return { activeProfileId, profiles: await Promise.all(profiles.map((p) => this.view(p))), loadProblem: this.loadProblem, vault: this.vault.status };
  }

  async create(fields: ProfileInput) {
    const p = this.store.create(fields);
    this.onChange();
    return this.view(p);
  }

  async update(id: string, fields: ProfileInput) {
    const stored = this.store.get(id);
    // The sandbox sets its own addresses; of its fields the protocol (which path to verify) and the gateway's service name are the user's.
    const p = stored.kind === 'sandbox' ? this.store.update(id, { ...stored, otlpProtocol: fields.otlpProtocol ?? stored.otlpProtocol, serviceName: fields.serviceName ?? stored.serviceName }) : this.store.update(id, fields);
    this.onChange();
    return this.view(p);
  }

  async duplicate(id: string) {
    const source = this.store.get(id);
    const copy = this.store.duplicate(id);
    // A copy of the sandbox profile is a remote profile that starts from the sandbox's current URLs.
    if (source.kind === 'sandbox') {
      const r = this.resolveOr(source);
      this.store.update(copy.id, { ...copy, otlpEndpoint: r.otlpEndpoint, otlpGrpcEndpoint: r.otlpGrpcEndpoint, clickhouseUrl: r.clickhouseUrl, healthUrl: r.healthUrl });
    }
    // The secrets stay with the source: a copy is most often made to point at another ClickStack, where the source's
    // password would be sent to the wrong server, and a second keychain entry of it would outlive the reason for it.
    // The copy starts with none, and Setup says so (enter the password for the copy).
    this.onChange();
    return this.view(this.store.get(copy.id));
  }

  private resolveOr(profile: Profile): Profile {
    try {
      return this.resolve(profile.id);
    } catch {
      return profile;
    }
  }

  async delete(id: string) {
    this.store.delete(id);
    for (const kind of ['clickhousePassword', 'otlpToken'] as const) {
      if ((await this.secret(id, kind)) !== null) await this.vault.writable().delete(secretAccount(id, kind));
    }
    this.onChange();
    return this.state();
  }

  async activate(id: string) {
    this.store.activate(id);
    this.onChange();
    return this.state();
  }

  async setSecret(id: string, kind: SecretKind, value: string) {
    this.store.get(id);
    await this.vault.writable().set(secretAccount(id, kind), value);
    this.onChange();
  }

  async clearSecret(id: string, kind: SecretKind) {
    this.store.get(id);
    await this.vault.writable().delete(secretAccount(id, kind));
    this.onChange();
  }

  recordDatabase(id: string, database: string): void {
    this.store.recordDatabase(id, database);
  }
}

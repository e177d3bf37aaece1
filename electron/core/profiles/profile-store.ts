/**
 * Profiles on disk, through `conf` (plain Node) or electron-store (Electron): both keep the
 * same JSON file and expose the same `store` property, which is all this class needs.
 */
import { randomUUID } from 'node:crypto';
import { BadInputError } from '../errors.js';
import { Profile, ProfileFields, SANDBOX_PROFILE_ID, Settings, type Settings as SettingsT } from '../../shared/profile-schema.js';
import type { z } from 'zod';
import { ModelPrice, PriceOverride } from '../../shared/price-schema.js';
import { AlertRules, defaultAlertRules, type AlertRule } from '../../shared/alert-rules.js';

export interface KeyValueFile {
  store: Record<string, unknown>;
}

export type ProfileInput = z.input<typeof ProfileFields>;

function slug(name: string): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'profile';
  return `${base}-${randomUUID().slice(0, 8)}`;
}

export class ProfileStore {
  private settings: SettingsT;

  constructor(
    private readonly file: KeyValueFile,
    initial: SettingsT,
  ) {
    this.settings = initial;
    this.persist();
  }

  private persist(): void {
    // Validate the whole document before writing: a half-valid file is never written.
    this.file.store = Settings.parse(this.settings) as unknown as Record<string, unknown>;
  }

  list(): { activeProfileId: string; profiles: Profile[] } {
    return { activeProfileId: this.settings.activeProfileId, profiles: this.settings.profiles };
  }

  get(id: string): Profile {
    const p = this.settings.profiles.find((x) => x.id === id);
    if (!p) throw new BadInputError(`There is no profile with id "${id.slice(0, 64)}".`);
    return p;
  }

  active(): Profile {
    return this.get(this.settings.activeProfileId);
  }

  create(input: ProfileInput): Profile {
    const fields = ProfileFields.parse(input);
    if (this.settings.profiles.some((p) => p.name.toLowerCase() === fields.name.toLowerCase())) {
      throw new BadInputError(`A profile called "${fields.name}" already exists.`);
    }
    const profile = Profile.parse({ ...fields, id: slug(fields.name), kind: 'remote' });
    this.settings = { ...this.settings, profiles: [...this.settings.profiles, profile] };
    this.persist();
    return profile;
  }

  update(id: string, input: ProfileInput): Profile {
    const current = this.get(id);
    const fields = ProfileFields.parse(input);
    if (this.settings.profiles.some((p) => p.id !== id && p.name.toLowerCase() === fields.name.toLowerCase())) {
      throw new BadInputError(`A profile called "${fields.name}" already exists.`);
    }
    const next = Profile.parse({ ...current, ...fields, id, kind: current.kind });
    this.settings = { ...this.settings, profiles: this.settings.profiles.map((p) => (p.id === id ? next : p)) };
    this.persist();
    return next;
  }

  /** Only what a check discovered (the database) changes here; the user's fields stay as typed. */
  recordDatabase(id: string, database: string): void {
    const current = this.get(id);
    if (current.database === database) return;
    this.settings = { ...this.settings, profiles: this.settings.profiles.map((p) => (p.id === id ? { ...p, database } : p)) };
    this.persist();
  }

  duplicate(id: string): Profile {
    const source = this.get(id);
    let name = `${source.name} copy`;
    for (let n = 2; this.settings.profiles.some((p) => p.name === name); n++) name = `${source.name} copy ${n}`;
    const { id: _id, kind: _kind, ...fields } = source;
    return this.create({ ...fields, name });
  }

  delete(id: string): void {
    if (id === SANDBOX_PROFILE_ID) throw new BadInputError('The Local sandbox profile cannot be deleted.');
    this.get(id);
    const profiles = this.settings.profiles.filter((p) => p.id !== id);
    const activeProfileId = this.settings.activeProfileId === id ? SANDBOX_PROFILE_ID : this.settings.activeProfileId;
    const { [id]: _rules, ...alertRules } = this.settings.alertRules;
    this.settings = { ...this.settings, activeProfileId, profiles, alertRules };
    this.persist();
  }

  priceOverrides(): PriceOverride[] {
    return this.settings.priceOverrides;
  }

  /** Sets (or, with null, removes) the user's price for one model. */
  setPriceOverride(model: string, price: ModelPrice | null): PriceOverride[] {
    const rest = this.settings.priceOverrides.filter((o) => o.model !== model);
    const next = price ? [...rest, PriceOverride.parse({ ...ModelPrice.parse(price), model })] : rest;
    this.settings = { ...this.settings, priceOverrides: next.sort((a, b) => a.model.localeCompare(b.model)) };
    this.persist();
    return this.settings.priceOverrides;
  }

  /** A profile's alert rules: its own once edited, the defaults until then. */
  alertRules(id: string): { rules: AlertRule[]; defaults: boolean } {
    this.get(id);
    const own = this.settings.alertRules[id];
    return own ? { rules: own, defaults: false } : { rules: defaultAlertRules(), defaults: true };
  }

  setAlertRules(id: string, rules: unknown): AlertRule[] {
    this.get(id);
    const parsed = AlertRules.safeParse(rules);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new BadInputError(`Alert rules: ${i.path.join('.')}: ${i.message}`);
    }
    this.settings = { ...this.settings, alertRules: { ...this.settings.alertRules, [id]: parsed.data } };
    this.persist();
    return parsed.data;
  }

  /** Back to the default rules. */
  resetAlertRules(id: string): void {
    this.get(id);
    const { [id]: _rules, ...alertRules } = this.settings.alertRules;
    this.settings = { ...this.settings, alertRules };
    this.persist();
  }

  activate(id: string): Profile {
    const profile = this.get(id);
    this.settings = { ...this.settings, activeProfileId: id };
    this.persist();
    return profile;
  }
}

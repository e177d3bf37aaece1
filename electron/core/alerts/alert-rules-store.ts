/** A profile's alert rules, kept in the settings file beside its profile: add or replace one, remove one, back to the defaults. */
import { BadInputError } from '../errors.js';
import type { ProfileStore } from '../profiles/profile-store.js';
import type { AlertRule } from '../../shared/alert-rules.js';

export interface ProfileAlertRules {
  profileId: string;
  rules: AlertRule[];
  /** True while the profile has the default rules (never edited). */
  defaults: boolean;
}

export class AlertRulesStore {
  constructor(
    private readonly store: Pick<ProfileStore, 'alertRules' | 'setAlertRules' | 'resetAlertRules'>,
    private readonly onChange: () => void = () => undefined,
  ) {}

  rules(profileId: string): AlertRule[] {
    return this.store.alertRules(profileId).rules;
  }

  get(profileId: string): ProfileAlertRules {
    return { profileId, ...this.store.alertRules(profileId) };
  }

  /** Adds the rule, or replaces the one with its id. */
  save(profileId: string, rule: AlertRule): ProfileAlertRules {
    const current = this.store.alertRules(profileId).rules;
    const next = current.some((r) => r.id === rule.id) ? current.map((r) => (r.id === rule.id ? rule : r)) : [...current, rule];
    this.store.setAlertRules(profileId, next);
    this.onChange();
    return this.get(profileId);
  }

  remove(profileId: string, ruleId: string): ProfileAlertRules {
    const current = this.store.alertRules(profileId).rules;
    if (!current.some((r) => r.id === ruleId)) throw new BadInputError(`This profile has no alert rule "${ruleId.slice(0, 64)}".`);
    this.store.setAlertRules(profileId, current.filter((r) => r.id !== ruleId));
    this.onChange();
    return this.get(profileId);
  }

  reset(profileId: string): ProfileAlertRules {
    this.store.resetAlertRules(profileId);
    this.onChange();
    return this.get(profileId);
  }
}

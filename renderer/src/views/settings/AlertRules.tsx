import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import {
  ALERT_METRICS,
  ALERT_SCOPE_KINDS,
  AlertRule,
  isFloor,
  isRate,
  METRIC_LABEL,
  SCOPE_LABEL,
  thresholdText,
  overWindowText,
  type AlertMetric,
  type AlertScopeKind,
  type AlertPreview,
} from '../../../../electron/shared/alert-rules';
import { useApi } from '../../api/context';
import { errorText, useProfiles } from '../setup/use-profiles';
import { ErrorLine } from '../../components/ErrorLine';

type Rule = z.infer<typeof AlertRule>;
type Preview = z.infer<typeof AlertPreview>;

/** The form's fields as typed: numbers stay text until saved, a rate is typed in percent. */
interface Draft {
  id: string | null;
  name: string;
  enabled: boolean;
  metric: AlertMetric;
  scopeKind: AlertScopeKind;
  scopeValue: string;
  windowMinutes: string;
  thresholdKind: 'absolute' | 'relative';
  value: string;
  factor: string;
  minRequests: string;
  forMinutes: string;
}

const UNIT: Record<AlertMetric, string> = { errorRate: '%', p95LatencyMs: 'ms', p95TtftMs: 'ms', costUsd: 'USD', tokens: 'tokens', requestsPerMinute: 'requests/min', mcpToolErrorRate: '%' };

const FIELD_LABEL: Record<string, string> = {
  name: 'Name',
  windowMinutes: 'Window',
  threshold: 'Threshold',
  value: 'Threshold',
  factor: 'Factor',
  minRequests: 'Minimum requests',
  forMinutes: 'Minimum duration',
  scope: 'Scope',
  kind: 'Scope',
  metric: 'Metric',
};

/** Which of the form's inputs (by name) a rule's issue path is about, so that input can be marked invalid. */
function inputOf(path: readonly PropertyKey[], d: Draft): string {
  const [head, tail] = path.map(String);
  if (head === 'threshold') return d.thresholdKind === 'relative' ? 'factor' : 'value';
  if (head === 'scope') return tail === 'kind' ? 'scopeKind' : 'scopeValue';
  // The id is made from the name.
  return head === 'id' ? 'name' : (head ?? '');
}

const NEW: Draft = { id: null, name: '', enabled: true, metric: 'errorRate', scopeKind: 'model', scopeValue: '', windowMinutes: '5', thresholdKind: 'absolute', value: '20', factor: '2', minRequests: '20', forMinutes: '1' };

function toDraft(r: Rule): Draft {
  const value = r.threshold.kind === 'absolute' && r.threshold.value !== null ? String(isRate(r.metric) ? Math.round(r.threshold.value * 10_000) / 100 : r.threshold.value) : '';
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    metric: r.metric,
    scopeKind: r.scope.kind,
    scopeValue: r.scope.value ?? '',
    windowMinutes: String(r.windowMinutes),
    thresholdKind: r.threshold.kind,
    value,
    factor: r.threshold.kind === 'relative' ? String(r.threshold.factor) : '2',
    minRequests: String(r.minRequests),
    forMinutes: String(r.forMinutes),
  };
}

const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

/** A typical amount per metric, for the message that asks for a number. */
const EXAMPLE: Record<AlertMetric, string> = { errorRate: '20', p95LatencyMs: '2000', p95TtftMs: '800', costUsd: '5', tokens: '100000', requestsPerMinute: '10', mcpToolErrorRate: '10' };

/**
 * The threshold as typed: a number, with a trailing % accepted for a rate ("20%" is how people write one)
 * and a $ for a cost ("$5").
 * Empty is no amount (a budget not set yet); anything else not a number says what to type instead.
 */
function thresholdValue(text: string, metric: AlertMetric): { value: number | null } | { error: string } {
  const typed = text.trim();
  if (typed === '') return { value: null };
  const percent = /^(.*?)\s*%$/.exec(typed);
  if (percent && !isRate(metric)) return { error: `Threshold: ${METRIC_LABEL[metric]} is in ${UNIT[metric]}, not %; type a number such as ${EXAMPLE[metric]}.` };
  // "$5" is how people write an amount of money: taken for a cost, explained for anything else.
  const dollars = /^\$\s*(.*)$|^(.*?)\s*\$$/.exec(typed);
  if (dollars && metric !== 'costUsd') return { error: `Threshold: ${METRIC_LABEL[metric]} is in ${UNIT[metric]}, not $; type a number such as ${EXAMPLE[metric]}.` };
  const amount = percent ? percent[1]! : dollars ? (dollars[1] ?? dollars[2] ?? '') : typed;
  const value = Number(amount);
  if (amount.trim() === '' || !Number.isFinite(value)) return { error: `Threshold: "${typed.slice(0, 40)}" is not a number; type one in ${UNIT[metric]}, such as ${EXAMPLE[metric]}.` };
  return { value };
}

function slug(name: string): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'rule';
  return `${base}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The draft as a rule, or the first problem in words that name the field, and the input it is about. */
function fromDraft(d: Draft): { rule: Rule } | { error: string; input: string } {
  const typed = d.thresholdKind === 'absolute' ? thresholdValue(d.value, d.metric) : { value: null };
  if ('error' in typed) return { error: typed.error, input: 'value' };
  const v = typed.value;
  const threshold = d.thresholdKind === 'relative' ? { kind: 'relative' as const, factor: number(d.factor) } : { kind: 'absolute' as const, value: v === null ? null : isRate(d.metric) ? v / 100 : v };
  const parsed = AlertRule.safeParse({
    id: d.id ?? slug(d.name),
    name: d.name,
    enabled: d.enabled,
    metric: d.metric,
    scope: { kind: d.scopeKind, value: d.scopeKind === 'all' || d.scopeValue.trim() === '' ? null : d.scopeValue },
    windowMinutes: number(d.windowMinutes),
    threshold,
    minRequests: number(d.minRequests),
    forMinutes: number(d.forMinutes),
  });
  if (parsed.success) return { rule: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = FIELD_LABEL[String(issue.path[issue.path.length - 1])] ?? FIELD_LABEL[String(issue.path[0])] ?? 'A field';
  const message = issue.code === 'invalid_type' ? 'needs a number' : issue.message;
  return { error: `${field}: ${message}.`, input: inputOf(issue.path, d) };
}

function scopeText(r: Rule): string {
  if (r.scope.kind === 'all') return 'all traffic';
  const kind = SCOPE_LABEL[r.scope.kind].toLowerCase();
  return r.scope.value ? `${kind} ${r.scope.value}` : `each ${kind}`;
}

/** "Error rate above 20 % over 5 min, each model, at least 20 requests". */
export function ruleText(r: Rule): string {
  const min = r.minRequests > 0 && !isFloor(r.metric) ? `, at least ${r.minRequests} requests` : '';
  return `${METRIC_LABEL[r.metric]} ${thresholdText(r)} ${overWindowText(r.windowMinutes)}, ${scopeText(r)}${min}${r.forMinutes ? `, for ${r.forMinutes} min` : ''}`;
}

/**
 * A profile's alert rules: list, turn on and off, add, edit, remove, preview. The defaults cover a
 * model failing or slowing down; the budgets stay off until an amount is set.
 */
export function AlertRules() {
  const api = useApi();
  const { state } = useProfiles();
  const [profileId, setProfileId] = useState<string | null>(null);
  const [rules, setRules] = useState<Rule[]>([]);
  const [defaults, setDefaults] = useState(true);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setErrorText] = useState<string | null>(null);
  // The form's input the error is about (its name), marked aria-invalid and described by the error line.
  const [errorInput, setErrorInput] = useState<string | null>(null);
  const errorId = useId();
  const setError = useCallback((text: string | null, input: string | null = null) => {
    setErrorText(text);
    setErrorInput(text === null ? null : input);
  }, []);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<{ key: string; text: string; error: boolean } | null>(null);
  // Where the keyboard goes once the form opens or closes: the button that was clicked goes away with it, and focus
  // would fall to the page's body (a keyboard user starts over from the top).
  const focusNext = useRef<{ rule: string } | 'add' | null>(null);
  const sectionRef = useRef<HTMLElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  const current = profileId ?? state?.activeProfileId ?? null;
  const formOpen = draft !== null;
  const draftId = draft?.id ?? null;

  useEffect(() => {
    // Opening the form (Add rule, or Edit on another rule) starts at its first field.
    if (formOpen) nameRef.current?.focus();
  }, [formOpen, draftId]);
  useEffect(() => {
    const next = focusNext.current;
    if (formOpen || busy || next === null) return;
    // Saved: the rule's own row (its on/off box), which shows where it went; cancelled: the Add rule button.
    const target = next === 'add' ? addRef.current : sectionRef.current?.querySelector<HTMLInputElement>(`[data-rule-id="${CSS.escape(next.rule)}"] input[type="checkbox"]`);
    (target ?? addRef.current)?.focus();
    focusNext.current = null;
  }, [formOpen, busy, rules]);

  const load = useCallback(
    (id: string) =>
      api.invoke('alerts.rules', { profileId: id }).then(
        (r) => {
          setRules(r.rules);
          setDefaults(r.defaults);
        },
        (e: unknown) => setError(errorText(e)),
      ),
    [api, setError],
  );
  useEffect(() => {
    if (current) void load(current);
  }, [current, load]);

  const saveRule = (rule: Rule) => {
    if (!current) return Promise.resolve(false);
    setBusy(true);
    setError(null);
    return api
      .invoke('alerts.saveRule', { profileId: current, rule })
      .then((r) => {
        setRules(r.rules);
        setDefaults(r.defaults);
        return true;
      })
      .catch((e: unknown) => {
        setError(errorText(e));
        return false;
      })
      .finally(() => setBusy(false));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    const made = fromDraft(draft);
    if ('error' in made) return setError(made.error, made.input);
    void saveRule(made.rule).then((ok) => {
      if (!ok) return;
      focusNext.current = { rule: made.rule.id };
      setDraft(null);
    });
  };

  const toggle = (rule: Rule) => {
    const next = { ...rule, enabled: !rule.enabled };
    const checked = AlertRule.safeParse(next);
    if (!checked.success) {
      setError(`${rule.name}: ${checked.error.issues[0]!.message}. Edit the rule to set it.`);
      return;
    }
    void saveRule(checked.data);
  };

  const remove = (rule: Rule) => {
    if (!current) return;
    setBusy(true);
    api
      .invoke('alerts.removeRule', { profileId: current, ruleId: rule.id })
      .then((r) => {
        setRules(r.rules);
        setDefaults(r.defaults);
      })
      .catch((e: unknown) => setError(errorText(e)))
      .finally(() => setBusy(false));
  };

  const reset = () => {
    if (!current) return;
    api.invoke('alerts.resetRules', { profileId: current }).then((r) => {
      setRules(r.rules);
      setDefaults(r.defaults);
      setDraft(null);
    }, (e: unknown) => setError(errorText(e)));
  };

  const runPreview = (key: string, rule: Rule) => {
    if (!current) return;
    setPreview({ key, text: 'Replaying the last 24 h…', error: false });
    // A rule that is off is previewed as if it were on; one without an amount cannot be.
    const asOn = AlertRule.safeParse({ ...rule, enabled: true });
    if (!asOn.success) return setPreview({ key, text: `Set an amount to preview this rule.`, error: true });
    api.invoke('alerts.preview', { profileId: current, rule: asOn.data }).then(
      (p: Preview) => setPreview({ key, text: p.detail, error: false }),
      (e: unknown) => setPreview({ key, text: errorText(e), error: true }),
    );
  };

  const previewDraft = () => {
    if (!draft) return;
    const made = fromDraft({ ...draft, enabled: true });
    if ('error' in made) return setError(made.error, made.input);
    setError(null);
    runPreview('draft', made.rule);
  };

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => draft && setDraft({ ...draft, [key]: value });
  const invalid = (name: string) => (errorInput === name ? { 'aria-invalid': true, 'aria-describedby': errorId } : {});
  const field = (key: 'name' | 'scopeValue' | 'windowMinutes' | 'value' | 'factor' | 'minRequests' | 'forMinutes', label: string, placeholder = '', numeric = true) => (
    <label className="field">
      <span>{label}</span>
      <input ref={key === 'name' ? nameRef : undefined} name={key} value={draft?.[key] ?? ''} placeholder={placeholder} inputMode={numeric ? 'decimal' : 'text'} onChange={(e) => set(key, e.target.value)} {...invalid(key)} />
    </label>
  );

  return (
    <section className="card" data-testid="alert-rules" ref={sectionRef}>
      <div className="card-head">
        <h2>Alert rules</h2>
        {state && state.profiles.length > 1 ? (
          <label className="field inline">
            <span>Profile</span>
            <select aria-label="Profile for alert rules" value={current ?? ''} onChange={(e) => setProfileId(e.target.value)}>
              {state.profiles.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
      <p className="muted">
        Each rule is checked at every poll of the profile, all in one query. A rule that holds for its minimum duration is an incident in Health with one notification when it starts and one when it ends; clicking it opens Explore on the requests behind it. {defaults ? 'These are the defaults.' : ''}
      </p>
      <table className="history" aria-label="Alert rules">
        <thead>
          <tr>
            <th>On</th>
            <th>Rule</th>
            <th>When</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r.id} data-testid="alert-rule" data-rule-id={r.id}>
              <td>
                <input type="checkbox" checked={r.enabled} disabled={busy} aria-label={`${r.name} on`} onChange={() => toggle(r)} />
              </td>
              <td>{r.name}</td>
              <td className="small">
                {ruleText(r)}
                {preview?.key === r.id ? (
                  <div className={preview.error ? 'error-text' : 'muted'} data-testid="alert-preview">
                    {preview.text}
                  </div>
                ) : null}
              </td>
              <td>
                <div className="row tight nowrap">
                <button type="button" className="secondary small" onClick={() => runPreview(r.id, r)}>
                  Preview
                </button>
                <button type="button" className="secondary small" onClick={() => (setDraft(toDraft(r)), setError(null))} aria-label={`Edit ${r.name}`}>
                  Edit
                </button>
                <button type="button" className="secondary small" disabled={busy} onClick={() => remove(r)} aria-label={`Remove ${r.name}`}>
                  Remove
                </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rules.length === 0 ? <p className="muted">No rules: nothing is watched for this profile.</p> : null}
      {draft ? (
        <form onSubmit={submit} aria-label={draft.id ? 'Edit alert rule' : 'Add an alert rule'} data-testid="alert-rule-form">
          <div className="grid2">
            {field('name', 'Name', 'Claude errors', false)}
            <label className="field">
              <span>Metric</span>
              <select name="metric" {...invalid('metric')} value={draft.metric} onChange={(e) => set('metric', e.target.value as AlertMetric)}>
                {ALERT_METRICS.map((m) => (
                  <option key={m} value={m}>
                    {METRIC_LABEL[m]}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>Scope</span>
              <select name="scopeKind" {...invalid('scopeKind')} value={draft.scopeKind} onChange={(e) => set('scopeKind', e.target.value as AlertScopeKind)}>
                {ALERT_SCOPE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {SCOPE_LABEL[k]}
                  </option>
                ))}
              </select>
            </label>
            {draft.scopeKind !== 'all' ? field('scopeValue', `${SCOPE_LABEL[draft.scopeKind]} (empty: each one)`, draft.scopeKind === 'model' ? 'anthropic-main/claude-sonnet-4' : '', false) : <span />}
            {field('windowMinutes', 'Window, minutes', '5')}
            <label className="field">
              <span>Threshold</span>
              <select name="thresholdKind" value={draft.thresholdKind} onChange={(e) => set('thresholdKind', e.target.value as 'absolute' | 'relative')}>
                <option value="absolute">A value</option>
                <option value="relative">Relative to the previous 24 h</option>
              </select>
            </label>
            {draft.thresholdKind === 'absolute' ? field('value', `${isFloor(draft.metric) ? 'Below' : 'Above'}, ${UNIT[draft.metric]}`, isRate(draft.metric) ? '20' : '') : field('factor', `${isFloor(draft.metric) ? 'Below' : 'Above'} this many times the previous 24 h`, '2')}
            {field('minRequests', 'Minimum requests in the window', '20')}
            {field('forMinutes', 'Minimum duration, minutes', '1')}
          </div>
          <ErrorLine error={error} id={errorId} />
          {preview?.key === 'draft' ? (
            <p className={preview.error ? 'error-text' : 'muted'} data-testid="alert-preview">
              {preview.text}
            </p>
          ) : null}
          <div className="row">
            <button type="submit" disabled={busy}>
              {busy ? 'Saving…' : draft.id ? 'Save rule' : 'Add rule'}
            </button>
            <button type="button" className="secondary" onClick={previewDraft}>
              Preview
            </button>
            <button type="button" className="secondary" onClick={() => (setDraft(null), setError(null), (focusNext.current = 'add'))}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <ErrorLine error={error} />
          <div className="row">
            <button type="button" ref={addRef} onClick={() => (setDraft(NEW), setError(null), setPreview(null))}>
              Add rule
            </button>
            {!defaults ? (
              <button type="button" className="secondary" onClick={reset}>
                Back to the defaults
              </button>
            ) : null}
          </div>
        </>
      )}
    </section>
  );
}

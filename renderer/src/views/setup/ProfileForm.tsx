import { useId, useRef, useState, type FormEvent } from 'react';
import type { ProfileView } from '../../../../electron/shared/contract';
import { ProfileFields } from '../../../../electron/shared/profile-schema';
import type { z } from 'zod';
import { useApi } from '../../api/context';
import { errorText } from './use-profiles';
import { SecretField, type VaultBackend } from './SecretField';
import { ErrorLine } from '../../components/ErrorLine';

type View = z.infer<typeof ProfileView>;

const EMPTY = {
  name: '',
  otlpEndpoint: '',
  otlpGrpcEndpoint: '',
  healthUrl: '',
  clickhouseUrl: '',
  clickhouseUser: 'default',
  hyperdxUrl: '',
  hyperdxSourceId: '',
  serviceName: 'tfy-llm-gateway',
  stallThresholdMinutes: 10,
  pollIntervalSeconds: 30,
  canaryIntervalMinutes: '' as number | '',
};

type Draft = typeof EMPTY;

/** Each field's label, also what an error about it is prefixed with. */
const LABELS: Record<keyof Draft, string> = {
  name: 'Name',
  serviceName: 'Gateway service name',
  otlpEndpoint: 'Collector OTLP traces endpoint',
  otlpGrpcEndpoint: 'Collector OTLP/gRPC endpoint',
  healthUrl: 'Collector health URL',
  clickhouseUrl: 'ClickHouse URL',
  clickhouseUser: 'ClickHouse user',
  hyperdxUrl: 'HyperDX URL',
  hyperdxSourceId: 'HyperDX traces source id',
  stallThresholdMinutes: 'Stall threshold (minutes)',
  pollIntervalSeconds: 'Poll interval (seconds)',
  canaryIntervalMinutes: 'Canary every (minutes)',
};

/** What an address looks like, shown greyed in an empty field: an example, never a value the form would save. */
const EXAMPLES: Partial<Record<keyof Draft, string>> = {
  otlpEndpoint: 'https://otel.example.com/v1/traces',
  clickhouseUrl: 'https://clickhouse.example.com:8443',
};

function draftOf(p: View | null): Draft {
  if (!p) return EMPTY;
  return {
    name: p.name,
    otlpEndpoint: p.otlpEndpoint,
    otlpGrpcEndpoint: p.otlpGrpcEndpoint ?? '',
    healthUrl: p.healthUrl ?? '',
    clickhouseUrl: p.clickhouseUrl,
    clickhouseUser: p.clickhouseUser,
    hyperdxUrl: p.hyperdxUrl ?? '',
    hyperdxSourceId: p.hyperdxSourceId ?? '',
    serviceName: p.serviceName,
    stallThresholdMinutes: p.stallThresholdMinutes,
    pollIntervalSeconds: p.pollIntervalSeconds,
    canaryIntervalMinutes: p.canaryIntervalMinutes ?? '',
  };
}

/** Edits a profile (or creates one when `profile` is null). Secrets are set separately and never shown. */
export function ProfileForm({ profile, onSaved, onCancel, vaultBackend }: { profile: View | null; onSaved: (id: string) => void; onCancel?: () => void; vaultBackend: VaultBackend }) {
  const api = useApi();
  const [edited, setDraft] = useState<Draft>(() => draftOf(profile));
  const [error, setError] = useState<string | null>(null);
  // The field the error is about, when it is one of the form's: the error shows under it, and it is marked aria-invalid, described by the error and focused.
  const [errorField, setErrorField] = useState<keyof Draft | null>(null);
  const errorId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [saving, setSaving] = useState(false);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const readOnly = profile?.kind === 'sandbox';
  // The sandbox's addresses change while it runs: show them live rather than as first loaded.
  // Of the sandbox's fields only the gateway's service name is the user's (the summaries and tail read it).
  const draft = readOnly ? { ...draftOf(profile), serviceName: edited.serviceName } : edited;
  const locked = (key: keyof Draft) => readOnly && key !== 'serviceName';

  const field = (key: keyof Draft, hint?: string, type: 'text' | 'url' | 'number' = 'text') => {
    const hintId = `${errorId}-${key}-hint`;
    const describedBy = [errorField === key ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ');
    return (
      <label className="field">
        <span>{LABELS[key]}</span>
        <input
          // Named by the label alone; its error and hint describe it.
          aria-label={LABELS[key]}
          aria-invalid={errorField === key ? true : undefined}
          aria-describedby={describedBy || undefined}
          type={type}
          value={draft[key]}
          readOnly={locked(key)}
          name={key}
          placeholder={EXAMPLES[key]}
          onChange={(e) => setDraft({ ...draft, [key]: type === 'number' ? (e.target.value === '' ? '' : Number(e.target.value)) : e.target.value })}
        />
        {/* Under its field, not at the form's end: in a small window the end is out of sight when the field takes focus. */}
        {errorField === key ? (
          <small className="error-text" role="alert" id={errorId}>
            {error}
          </small>
        ) : null}
        {hint ? (
          <small className="muted" id={hintId}>
            {hint}
          </small>
        ) : null}
      </label>
    );
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setErrorField(null);
    const fields = {
      ...draft,
      healthUrl: draft.healthUrl.trim() || null,
      otlpGrpcEndpoint: draft.otlpGrpcEndpoint.trim() || null,
      otlpProtocol: profile?.otlpProtocol ?? 'http/json',
      hyperdxUrl: draft.hyperdxUrl.trim() || null,
      hyperdxSourceId: draft.hyperdxSourceId.trim() || null,
      canaryIntervalMinutes: draft.canaryIntervalMinutes === '' ? null : draft.canaryIntervalMinutes,
      stallThresholdMinutes: Number(draft.stallThresholdMinutes),
      pollIntervalSeconds: Number(draft.pollIntervalSeconds),
      database: profile?.database ?? null,
    };
    // Checked here by the schema the app saves with, so the message names the field as the form labels it.
    const checked = ProfileFields.safeParse(fields);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      const key = String(issue.path[0] ?? '') as keyof Draft;
      const label = key in LABELS ? LABELS[key] : null;
      setError(label ? `${label}: ${issue.message}` : issue.message);
      setErrorField(label ? key : null);
      if (label) formRef.current?.querySelector<HTMLInputElement>(`input[name="${key}"]`)?.focus();
      return;
    }
    setSaving(true);
    (profile ? api.invoke('profiles.update', { id: profile.id, fields }) : api.invoke('profiles.create', { fields }))
      .then((saved) => {
        setSavedAt(Date.now());
        onSaved(saved.id);
      })
      .catch((e: unknown) => setError(errorText(e)))
      .finally(() => setSaving(false));
  };

  return (
    <form ref={formRef} className="card" onSubmit={submit} aria-label={profile ? `Profile ${profile.name}` : 'New profile'} data-testid="profile-form">
      <h2>{profile ? profile.name : 'New profile'}</h2>
      {readOnly ? <p className="muted">The sandbox sets these addresses itself. Duplicate this profile to point the app at your own ClickStack.</p> : null}
      <div className="grid2">
        {field('name')}
        {field('serviceName', 'ServiceName of the gateway’s spans')}
        {field('otlpEndpoint', 'https://<domain>/v1/traces', 'url')}
        {field('otlpGrpcEndpoint', 'https://<domain>:4317 (TLS) or http://<host>:4317; empty: the OTLP host on 4317', 'url')}
        {field('healthUrl', 'Empty: the collector host on port 13133', 'url')}
        {field('clickhouseUrl', 'https://host:8443 or http://host:8123', 'url')}
        {field('clickhouseUser')}
        {field('hyperdxUrl', 'For “open in HyperDX” links (optional); a path is kept, e.g. https://host/hyperdx/', 'url')}
        {field(
          'hyperdxSourceId',
          draft.hyperdxSourceId.trim()
            ? 'In HyperDX: Search, pick your traces source, copy the value after source= in the address bar'
            : 'Empty: HyperDX opens its default source, which may not be your traces. In HyperDX: Search, pick your traces source, copy the value after source= in the address bar',
        )}
        {field('stallThresholdMinutes', undefined, 'number')}
        {field('pollIntervalSeconds', undefined, 'number')}
        {field('canaryIntervalMinutes', 'Empty: no canary. A canary tells “quiet” from “broken”.', 'number')}
      </div>
      {readOnly ? null : profile ? (
        <div className="grid2">
          <SecretField profileId={profile.id} kind="clickhousePassword" label="ClickHouse password" isSet={profile.passwordSet} backend={vaultBackend} />
          <SecretField profileId={profile.id} kind="otlpToken" label="OTLP auth token" isSet={profile.tokenSet} backend={vaultBackend} />
        </div>
      ) : (
        <p className="muted">
          Save the profile, then set its ClickHouse password and OTLP token;{' '}
          {vaultBackend === 'keychain' ? 'they go to the OS keychain.' : vaultBackend === 'memory' ? 'they are kept in memory for this run only.' : 'without a keychain, keep them in memory for this run (the button above).'}
        </p>
      )}
      {profile?.warnings.length ? (
        <ul className="warnings" aria-label="Warnings">
          {profile.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
      <ErrorLine error={errorField ? null : error} />
      {readOnly && draft.serviceName === profile?.serviceName ? null : (
        <div className="row">
          <button type="submit" disabled={saving}>
            {saving ? 'Saving…' : profile ? 'Save changes' : 'Create profile'}
          </button>
          {onCancel ? (
            <button type="button" className="secondary" onClick={onCancel}>
              Cancel
            </button>
          ) : null}
          {savedAt ? <span className="muted">Saved.</span> : null}
        </div>
      )}
    </form>
  );
}

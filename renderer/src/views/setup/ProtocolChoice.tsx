import { useState } from 'react';
import type { ProfileView } from '../../../../electron/shared/contract';
import { OTLP_PROTOCOLS, OTLP_PROTOCOL_LABELS, type OtlpProtocol } from '../../../../electron/shared/profile-schema';
import type { z } from 'zod';
import { useApi } from '../../api/context';
import { errorText } from './use-profiles';

type View = z.infer<typeof ProfileView>;

/** The profile's stored fields, as profiles.update takes them (the view adds secrets-set flags and warnings). */
export function fieldsOf(p: View) {
  return {
    name: p.name,
    otlpEndpoint: p.otlpEndpoint,
    otlpProtocol: p.otlpProtocol,
    otlpGrpcEndpoint: p.otlpGrpcEndpoint,
    healthUrl: p.healthUrl,
    clickhouseUrl: p.clickhouseUrl,
    clickhouseUser: p.clickhouseUser,
    database: p.database,
    hyperdxUrl: p.hyperdxUrl,
    hyperdxSourceId: p.hyperdxSourceId,
    serviceName: p.serviceName,
    stallThresholdMinutes: p.stallThresholdMinutes,
    pollIntervalSeconds: p.pollIntervalSeconds,
    canaryIntervalMinutes: p.canaryIntervalMinutes,
  };
}

/** Which transport the gateway exports over: Setup step 3, the test trace and the canary use it. Saved at once. */
export function ProtocolChoice({ profile }: { profile: View }) {
  const api = useApi();
  const [saving, setSaving] = useState<OtlpProtocol | null>(null);
  const [error, setError] = useState<string | null>(null);
  const choose = (protocol: OtlpProtocol) => {
    if (protocol === profile.otlpProtocol) return;
    setSaving(protocol);
    setError(null);
    api
      .invoke('profiles.update', { id: profile.id, fields: { ...fieldsOf(profile), otlpProtocol: protocol } })
      .catch((e: unknown) => setError(errorText(e)))
      .finally(() => setSaving(null));
  };
  return (
    <fieldset className="protocol-choice" data-testid="protocol-choice">
      <legend>TrueFoundry exports over</legend>
      {OTLP_PROTOCOLS.map((p) => (
        <label key={p} className={p === profile.otlpProtocol ? 'chosen' : undefined}>
          <input type="radio" name={`protocol-${profile.id}`} value={p} checked={(saving ?? profile.otlpProtocol) === p} disabled={saving !== null} onChange={() => choose(p)} />
          {OTLP_PROTOCOL_LABELS[p]}
        </label>
      ))}
      {error ? (
        <span className="error-text" role="alert">
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}

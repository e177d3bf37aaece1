import { useEffect, useState } from 'react';
import type { AppInfo } from '../../../electron/shared/contract';
import type { z } from 'zod';
import { useApi } from '../api/context';
import { CopyButton } from '../components/CopyButton';
import { ViewHeader } from '../components/ViewHeader';
import { AlertRules } from './settings/AlertRules';
import { PriceOverrides } from './settings/PriceOverrides';
import { StartAtLogin } from './settings/StartAtLogin';

export function SettingsView() {
  const api = useApi();
  const [info, setInfo] = useState<z.infer<typeof AppInfo> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.invoke('app.getInfo', {}).then(setInfo, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [api]);
  return (
    <>
      <ViewHeader title="Settings" subtitle="This installation: how it starts, what it alerts on, and what it is." />
      <StartAtLogin />
      <AlertRules />
      <PriceOverrides />
      <section className="card" data-testid="about">
        <h2>About</h2>
        {error ? <p className="error-text">{error}</p> : null}
        {info ? (
          <dl className="stats">
            <div>
              <dt>Version</dt>
              <dd data-testid="app-version">{info.version}</dd>
            </div>
            <div>
              <dt>Running as</dt>
              <dd data-testid="app-transport">{info.transport === 'web' ? 'Browser (web bridge)' : 'Desktop (Electron)'}</dd>
            </div>
            <div>
              <dt>Runtime</dt>
              <dd>
                {info.runtime} on {info.platform}
              </dd>
            </div>
            <div>
              <dt>Data folder</dt>
              <dd>
                <code>{info.dataDir}</code> <CopyButton text={info.dataDir} />
              </dd>
            </div>
          </dl>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
    </>
  );
}

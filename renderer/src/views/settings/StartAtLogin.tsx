import { useEffect, useState } from 'react';
import type { LoginItemState } from '../../../../electron/shared/contract';
import type { z } from 'zod';
import { useApi } from '../../api/context';
import { ErrorLine } from '../../components/ErrorLine';

type State = z.infer<typeof LoginItemState>;

/** Start at login, as the OS reports it (re-read after each change, so what is shown is what the OS has). */
export function StartAtLogin() {
  const api = useApi();
  const [state, setState] = useState<State | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.invoke('app.getLoginItem', {}).then(setState, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [api]);
  const toggle = (enabled: boolean) => {
    setBusy(true);
    setError(null);
    api
      .invoke('app.setLoginItem', { enabled })
      .then((s) => {
        setState(s);
        if (s.enabled !== enabled) setError(`The system did not ${enabled ? 'add' : 'remove'} the login item; it is ${s.enabled ? 'on' : 'off'}.`);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  };
  return (
    <section className="card" data-testid="start-at-login">
      <h2>Start at login</h2>
      <label className="switch-row">
        <input type="checkbox" role="switch" checked={state?.enabled ?? false} disabled={!state?.supported || busy} onChange={(e) => toggle(e.target.checked)} aria-describedby="login-item-detail" />
        <span>Start clickstack-tray when I log in (in the tray, without opening the window)</span>
      </label>
      <p id="login-item-detail" className="muted">
        {state ? state.detail : 'Reading the system’s login items…'}
      </p>
      <ErrorLine error={error} />
    </section>
  );
}

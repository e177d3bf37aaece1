import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import { PriceOverride, type PriceSource } from '../../../../electron/shared/price-schema';
import { useApi } from '../../api/context';
import { errorText } from '../setup/use-profiles';
import { forgetPrices } from '../traces/use-prices';
import { ErrorLine } from '../../components/ErrorLine';

type Source = z.infer<typeof PriceSource>;
const EMPTY = { model: '', inputPerMTok: '', outputPerMTok: '', cacheReadPerMTok: '', cacheWritePerMTok: '' };

/** A price field's text as a number; empty is "not given" (optional ones fall back to the input price). */
const num = (text: string) => (text.trim() === '' ? undefined : Number(text));

/**
 * Estimated costs (requests no span reported a cost for) come from the price catalog; a price
 * set here for a model is used instead. Reported costs are never replaced.
 */
export function PriceOverrides() {
  const api = useApi();
  const client = useQueryClient();
  // Estimates in cached answers were priced with the old price: they are asked again when next shown.
  const repriced = () => {
    forgetPrices();
    for (const method of ['traces.requests', 'traces.search', 'traces.summary']) void client.invalidateQueries({ queryKey: [method] });
  };
  const [source, setSource] = useState<Source | null>(null);
  const [draft, setDraft] = useState(EMPTY);
  const [error, setError] = useState<string | null>(null);
  // The input the error is about (its name): marked aria-invalid and described by the error line.
  const [errorInput, setErrorInput] = useState<string | null>(null);
  const errorId = useId();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api.invoke('prices.get', {}).then(setSource, (e: unknown) => setError(errorText(e)));
  }, [api]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = PriceOverride.safeParse({ model: draft.model, inputPerMTok: num(draft.inputPerMTok), outputPerMTok: num(draft.outputPerMTok), cacheReadPerMTok: num(draft.cacheReadPerMTok), cacheWritePerMTok: num(draft.cacheWritePerMTok) });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = { model: 'Model', inputPerMTok: 'Input price', outputPerMTok: 'Output price', cacheReadPerMTok: 'Cache read price', cacheWritePerMTok: 'Cache write price' }[String(issue.path[0])] ?? 'A field';
      setError(issue.code === 'invalid_type' ? `${field} needs a number (USD per million tokens).` : `${field}: ${issue.message}.`);
      setErrorInput(String(issue.path[0]));
      return;
    }
    setErrorInput(null);
    const { model, ...price } = parsed.data;
    setBusy(true);
    setError(null);
    api
      .invoke('prices.setOverride', { model, price })
      .then((s) => {
        setSource(s);
        setDraft(EMPTY);
        repriced();
      })
      .catch((e: unknown) => setError(errorText(e)))
      .finally(() => setBusy(false));
  };

  const remove = (model: string) => {
    setBusy(true);
    setErrorInput(null);
    api
      .invoke('prices.removeOverride', { model })
      .then((s) => {
        setSource(s);
        repriced();
      })
      .catch((e: unknown) => setError(errorText(e)))
      .finally(() => setBusy(false));
  };

  const input = (key: keyof typeof EMPTY, label: string, placeholder: string) => (
    <label className="field">
      <span>{label}</span>
      <input name={key} value={draft[key]} placeholder={placeholder} inputMode={key === 'model' ? 'text' : 'decimal'} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} {...(errorInput === key ? { 'aria-invalid': true, 'aria-describedby': errorId } : {})} />
    </label>
  );

  return (
    <section className="card" data-testid="price-overrides">
      <h2>Model prices</h2>
      <p className="muted">
        A request whose spans report no cost (an app’s own OpenTelemetry, OpenInference or OpenLLMetry spans) is priced from its token counts with {source?.catalog ?? 'the price catalog'} and marked ≈. A price set here for a model is used instead. A cost a span reports always wins.
      </p>
      {source?.overrides.length ? (
        <table className="history" aria-label="Your model prices">
          <thead>
            <tr>
              <th>Model</th>
              <th>Input</th>
              <th>Output</th>
              <th>Cache read</th>
              <th>Cache write</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {source.overrides.map((o) => (
              <tr key={o.model} data-testid="price-override">
                <td>{o.model}</td>
                <td>${o.inputPerMTok}</td>
                <td>${o.outputPerMTok}</td>
                <td>{o.cacheReadPerMTok === undefined ? 'as input' : `$${o.cacheReadPerMTok}`}</td>
                <td>{o.cacheWritePerMTok === undefined ? 'as input' : `$${o.cacheWritePerMTok}`}</td>
                <td>
                  <button type="button" className="secondary" disabled={busy} onClick={() => remove(o.model)} aria-label={`Remove the price for ${o.model}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No prices of your own: every estimate uses the catalog.</p>
      )}
      <form onSubmit={submit} aria-label="Set a model price">
        <div className="grid2">
          {input('model', 'Model', 'gpt-4o-mini or openai-main/gpt-4o')}
          {input('inputPerMTok', 'Input, USD per million tokens', '0.15')}
          {input('outputPerMTok', 'Output, USD per million tokens', '0.60')}
          {input('cacheReadPerMTok', 'Cache read (optional)', 'as input')}
          {input('cacheWritePerMTok', 'Cache write (optional)', 'as input')}
        </div>
        <ErrorLine error={error} id={errorId} />
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Set price'}
        </button>
      </form>
    </section>
  );
}

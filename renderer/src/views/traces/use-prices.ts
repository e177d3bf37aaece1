import { useEffect, useMemo, useState } from 'react';
import { pricedModel, withEstimatedCost, type ModelPrice } from '../../../../electron/shared/price-schema';
import type { RequestRow } from '../../../../electron/shared/request-row';
import { useApi } from '../../api/context';

/** The price catalog's name and version, asked once per page: the estimate mark's tooltip names it. */
let catalogName: Promise<string> | null = null;

export function useCatalogName(): string {
  const api = useApi();
  const [name, setName] = useState('the price catalog');
  useEffect(() => {
    let live = true;
    catalogName ??= api.invoke('prices.get', {}).then((s) => s.catalog);
    catalogName.then(
      (n) => live && setName(n),
      () => {
        catalogName = null;
      },
    );
    return () => {
      live = false;
    };
  }, [api]);
  return name;
}

const known = new Map<string, ModelPrice | null>();
const asked = new Set<string>();
const key = (provider: string, model: string) => `${provider}\u0000${model}`;
/** What prices.lookup accepts for one model (longer names are never priced). */
const MAX_NAME = 200;
const listeners = new Set<() => void>();

/** The user changed a model's price in Settings: what the page priced before is asked again. */
export function forgetPrices(): void {
  known.clear();
  asked.clear();
  for (const l of listeners) l();
}

/**
 * Requests folded in the page (the live tail) priced as the server prices its own answers: a cost a
 * span reported wins; else the catalog's (or the user's) price for the model, marked as an estimate.
 */
export function usePricedRequests(requests: RequestRow[]): RequestRow[] {
  const api = useApi();
  const [version, setVersion] = useState(0);
  const wanted = useMemo(() => {
    const out = new Map<string, { provider: string; model: string }>();
    for (const r of requests) {
      const model = pricedModel(r);
      const k = key(r.provider, model);
      if (r.costUsd === null && model && model.length <= MAX_NAME && r.provider.length <= MAX_NAME && (r.inputTokens !== null || r.outputTokens !== null) && !known.has(k) && !asked.has(k)) out.set(k, { provider: r.provider, model });
    }
    // Read so the list is made again after Settings forgot the prices (a listener bumps it).
    void version;
    return [...out.values()].slice(0, 200);
  }, [requests, version]);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    listeners.add(bump);
    return () => void listeners.delete(bump);
  }, []);
  useEffect(() => {
    if (!wanted.length) return;
    let live = true;
    // Asked once per model while the answer is on its way, not on every tail update.
    for (const w of wanted) asked.add(key(w.provider, w.model));
    api.invoke('prices.lookup', { items: wanted }).then(
      (answer) => {
        for (const p of answer.prices) known.set(key(p.provider, p.model), p.price);
        if (live) setVersion((v) => v + 1);
      },
      // Without prices the rows keep their reported costs; the next change asks again.
      () => {
        for (const w of wanted) asked.delete(key(w.provider, w.model));
      },
    );
    return () => {
      live = false;
    };
  }, [api, wanted]);
  return useMemo(() => {
    void version;
    return requests.map((r) => withEstimatedCost(r, (provider, model) => known.get(key(provider, model)) ?? null));
  }, [requests, version]);
}

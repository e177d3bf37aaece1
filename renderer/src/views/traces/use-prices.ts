import { useEffect, useMemo, useState } from 'react';
import { withEstimatedCost, type ModelPrice } from '../../../../electron/shared/price-schema';
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
const key = (provider: string, model: string) => `${provider}\u0000${model}`;

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
      const model = r.calledModels[0] || r.model;
      if (r.costUsd === null && model && (r.inputTokens !== null || r.outputTokens !== null) && !known.has(key(r.provider, model))) out.set(key(r.provider, model), { provider: r.provider, model });
    }
    return [...out.values()].slice(0, 200);
  }, [requests]);
  useEffect(() => {
    if (!wanted.length) return;
    let live = true;
    api.invoke('prices.lookup', { items: wanted }).then(
      (answer) => {
        for (const p of answer.prices) known.set(key(p.provider, p.model), p.price);
        if (live) setVersion((v) => v + 1);
      },
      // Without prices the rows keep their reported costs; nothing to show.
      () => undefined,
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

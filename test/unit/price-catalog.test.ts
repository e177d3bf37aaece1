import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG_NAME, PriceCatalog } from '../../electron/core/semantics/price-catalog.js';
import { calcPrice } from '@pydantic/genai-prices';
import { costAt, withEstimatedCost } from '../../electron/shared/price-schema.js';

const base = { costEstimated: false, model: 'openai-main/gpt-4o-mini', calledModels: ['gpt-4o-mini'], provider: '', inputTokens: 1_000_000, cacheReadTokens: 200_000, cacheWriteTokens: null, outputTokens: 100_000 };

describe('estimated costs', () => {
  it('names the installed catalog and its version', () => {
    const pkg = JSON.parse(readFileSync('node_modules/@pydantic/genai-prices/package.json', 'utf8')) as { version: string };
    expect(CATALOG_NAME).toBe(`@pydantic/genai-prices ${pkg.version}`);
  });

  it('prices the split: cached input at the cache price, the rest at the input price (the catalog’s own total agrees)', () => {
    const catalog = new PriceCatalog(() => []);
    const price = catalog.lookup('openai', 'gpt-4o-mini');
    expect(price.from).toBe('catalog');
    expect(price.price!.cacheReadPerMTok).toBeLessThan(price.price!.inputPerMTok);
    const ours = costAt(price.price!, base);
    const expected = (800_000 * price.price!.inputPerMTok + 200_000 * price.price!.cacheReadPerMTok! + 100_000 * price.price!.outputPerMTok) / 1e6;
    expect(ours).toBeCloseTo(expected, 12);
  });

  it('a tiered model is priced at its base tier, not its long-context one', () => {
    const catalog = new PriceCatalog(() => []);
    const price = catalog.lookup('gcp.gemini', 'gemini-2.5-pro').price!;
    // The catalog's own answer for a small request is the base price.
    expect(price.inputPerMTok).toBeCloseTo(calcPrice({ input_tokens: 1000 }, 'gemini-2.5-pro', { providerId: 'google' })!.input_price * 1000, 9);
    expect(price.inputPerMTok).toBeLessThan(calcPrice({ input_tokens: 1_000_000 }, 'gemini-2.5-pro', { providerId: 'google' })!.input_price);
  });

  it('a reported cost always wins; without tokens or a known model there is no estimate', () => {
    const catalog = new PriceCatalog(() => []);
    expect(withEstimatedCost({ ...base, costUsd: 0.5 }, catalog.priceOf)).toMatchObject({ costUsd: 0.5, costEstimated: false });
    expect(withEstimatedCost({ ...base, costUsd: null }, catalog.priceOf).costEstimated).toBe(true);
    expect(withEstimatedCost({ ...base, costUsd: null, inputTokens: null, outputTokens: null }, catalog.priceOf)).toMatchObject({ costUsd: null, costEstimated: false });
    expect(withEstimatedCost({ ...base, costUsd: null, calledModels: ['no-such-model-anywhere'], model: 'no-such-model-anywhere' }, catalog.priceOf)).toMatchObject({ costUsd: null, costEstimated: false });
  });

  it('the user’s price for a model replaces the catalog’s, by the gateway’s name or the bare model name', () => {
    const catalog = new PriceCatalog(() => [{ model: 'gpt-4o-mini', inputPerMTok: 10, outputPerMTok: 20 }]);
    expect(catalog.lookup('', 'openai-main/gpt-4o-mini')).toMatchObject({ from: 'override', price: { inputPerMTok: 10, outputPerMTok: 20 } });
    // No cache price given: cached input costs what input costs.
    expect(withEstimatedCost({ ...base, costUsd: null }, catalog.priceOf).costUsd).toBeCloseTo((1_000_000 * 10 + 100_000 * 20) / 1e6, 12);
  });
});

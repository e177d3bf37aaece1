/**
 * Prices for estimated costs: the user's override for a model first, else the maintained
 * catalog of @pydantic/genai-prices (MIT; input, output, cache read and cache write prices per
 * provider and model, bundled in the package — nothing is fetched). A request whose spans
 * report a cost never uses this (shared/price-schema.ts withEstimatedCost).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import type { ModelPrice, PriceAnswer, PriceOverride } from '../../shared/price-schema.js';

const PACKAGE = '@pydantic/genai-prices';

/** The catalog's version, from its package.json (its exports map hides that file from require, so it is read beside the entry). */
function packageVersion(): string {
  try {
    const entry = createRequire(import.meta.url).resolve(PACKAGE);
    const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    return pkg.name === PACKAGE && typeof pkg.version === 'string' ? pkg.version : 'unknown version';
  } catch {
    return 'unknown version';
  }
}

export const CATALOG_NAME = `${PACKAGE} ${packageVersion()}`;

/** Provider names as the conventions write them (gen_ai.provider.name) → the catalog's provider ids. */
const PROVIDER_IDS: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  'azure.ai.openai': 'azure',
  azure: 'azure',
  'aws.bedrock': 'aws',
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  google: 'google',
  mistral_ai: 'mistral',
  mistralai: 'mistral',
  groq: 'groq',
  deepseek: 'deepseek',
  x_ai: 'x-ai',
  cohere: 'cohere',
  perplexity: 'perplexity',
};

/** A gateway model name is "<provider account>/<model>"; the catalog knows the model part. */
function modelIdOf(model: string): string {
  const slash = model.lastIndexOf('/');
  return slash >= 0 ? model.slice(slash + 1) : model;
}

/** A catalog price per million tokens: a number, or tiers by request size whose base is the price of a request under the first tier. */
function perMTok(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && typeof (value as { base?: unknown }).base === 'number') return (value as { base: number }).base;
  return undefined;
}

/**
 * The catalog's prices for a model, as of now (the catalog keeps their history). Tiered prices
 * (long-context requests, e.g. over 200k input tokens) are taken at their base: the estimate
 * prices summed tokens, not one request, so a request above a tier is priced low.
 */
function fromCatalog(provider: string, model: string): { price: ModelPrice; catalogModel: string } | null {
  const providerId = PROVIDER_IDS[provider.toLowerCase()];
  const usage = { input_tokens: 1000, output_tokens: 1000 };
  const found = (() => {
    try {
      return calcPrice(usage, modelIdOf(model), providerId ? { providerId } : undefined) ?? (providerId ? calcPrice(usage, modelIdOf(model)) : null);
    } catch {
      return null;
    }
  })();
  const p = found?.model_price;
  const input = perMTok(p?.input_mtok);
  const output = perMTok(p?.output_mtok);
  if (!found || input === undefined || output === undefined) return null;
  const read = perMTok(p?.cache_read_mtok);
  const write = perMTok(p?.cache_write_mtok);
  return {
    catalogModel: `${found.provider.id}/${found.model.id}`,
    price: { inputPerMTok: input, outputPerMTok: output, ...(read !== undefined ? { cacheReadPerMTok: read } : {}), ...(write !== undefined ? { cacheWritePerMTok: write } : {}) },
  };
}

export class PriceCatalog {
  private readonly cache = new Map<string, PriceAnswer>();

  constructor(private readonly overrides: () => readonly PriceOverride[]) {}

  lookup(provider: string, model: string): PriceAnswer {
    const override = this.overrides().find((o) => o.model === model || o.model === modelIdOf(model));
    if (override) {
      const { model: _m, ...price } = override;
      return { provider, model, price, from: 'override', catalogModel: '' };
    }
    const key = `${provider}\u0000${model}`;
    let answer = this.cache.get(key);
    if (!answer) {
      const found = fromCatalog(provider, model);
      answer = { provider, model, price: found?.price ?? null, from: found ? 'catalog' : 'none', catalogModel: found?.catalogModel ?? '' };
      this.cache.set(key, answer);
    }
    return answer;
  }

  /** For withEstimatedCost. */
  readonly priceOf = (provider: string, model: string): ModelPrice | null => this.lookup(provider, model).price;
}

/** The catalog with the user's overrides, as Settings and the contract see it. */
export class Prices {
  readonly catalog: PriceCatalog;
  readonly catalogName = CATALOG_NAME;

  constructor(private readonly store: { priceOverrides(): PriceOverride[]; setPriceOverride(model: string, price: ModelPrice | null): PriceOverride[] }) {
    this.catalog = new PriceCatalog(() => store.priceOverrides());
  }

  source(): { catalog: string; overrides: PriceOverride[] } {
    return { catalog: this.catalogName, overrides: this.store.priceOverrides() };
  }

  setOverride(model: string, price: ModelPrice | null): { catalog: string; overrides: PriceOverride[] } {
    this.store.setPriceOverride(model, price);
    return this.source();
  }

  removeOverride(model: string): { catalog: string; overrides: PriceOverride[] } {
    return this.setOverride(model, null);
  }
}

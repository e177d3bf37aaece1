/** Model prices, per million tokens in USD: the catalog's answer, or the user's override for a model. */
import { z } from 'zod';
import { uncachedInput } from './request-facts.js';

const PerMTok = z.number().finite().min(0, 'a price cannot be negative').max(10_000, 'a price above $10,000 per million tokens is surely a typo');

export const ModelPrice = z.object({
  inputPerMTok: PerMTok,
  outputPerMTok: PerMTok,
  /** Absent: cached input costs what input costs. */
  cacheReadPerMTok: PerMTok.optional(),
  cacheWritePerMTok: PerMTok.optional(),
});
export type ModelPrice = z.infer<typeof ModelPrice>;

export const PriceOverride = ModelPrice.extend({ model: z.string().trim().min(1, 'name the model the price is for').max(200) });
export type PriceOverride = z.infer<typeof PriceOverride>;

/** Where an estimate's prices came from. */
export const PriceSource = z.object({
  /** The catalog package and its version (the data ships inside it), e.g. "@pydantic/genai-prices 0.1.8". */
  catalog: z.string(),
  overrides: z.array(PriceOverride),
});

/** A model's prices as the estimate uses them, and where from. */
export const PriceAnswer = z.object({ provider: z.string(), model: z.string(), price: ModelPrice.nullable(), from: z.enum(['override', 'catalog', 'none']), catalogModel: z.string() });
export type PriceAnswer = z.infer<typeof PriceAnswer>;

/** The cost of a request's tokens at a price; input counts every input token, cached or not (as every dialect does). */
export function costAt(price: ModelPrice, t: { inputTokens: number | null; cacheReadTokens: number | null; cacheWriteTokens: number | null; outputTokens: number | null }): number {
  const read = t.cacheReadTokens ?? 0;
  const write = t.cacheWriteTokens ?? 0;
  const uncached = uncachedInput(t) ?? 0;
  return (uncached * price.inputPerMTok + read * (price.cacheReadPerMTok ?? price.inputPerMTok) + write * (price.cacheWritePerMTok ?? price.inputPerMTok) + (t.outputTokens ?? 0) * price.outputPerMTok) / 1e6;
}

/** The model an estimate prices: the one the request called first, else the one it asked for (the SQL rollup's pricedModel). */
export function pricedModel(row: { model: string; calledModels: string[] }): string {
  return row.calledModels[0] || row.model;
}

/**
 * A request's cost: the one its spans reported always wins; else, with tokens and a price for its
 * model, the estimate (marked). `priceOf` answers for the model the request called.
 */
export function withEstimatedCost<R extends { costUsd: number | null; costEstimated: boolean; model: string; calledModels: string[]; provider: string; inputTokens: number | null; cacheReadTokens: number | null; cacheWriteTokens: number | null; outputTokens: number | null }>(
  row: R,
  priceOf: (provider: string, model: string) => ModelPrice | null,
): R {
  if (row.costUsd !== null || (row.inputTokens === null && row.outputTokens === null)) return row;
  const model = pricedModel(row);
  if (!model) return row;
  const price = priceOf(row.provider, model);
  return price ? { ...row, costUsd: costAt(price, row), costEstimated: true } : row;
}

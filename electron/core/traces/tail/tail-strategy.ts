/**
 * How the live tail finds new rows, chosen from the table's engine — said to the user, with why.
 * - block-cursor (MergeTree): parts become visible in block order, so one cursor on the highest
 *   block read is exact and reads only new parts.
 * - covered-blocks (Replicated*, Shared* — ClickHouse Cloud): a block number is taken before its
 *   insert commits and replicas fetch parts late, so parts can appear out of order; the tail keeps
 *   the block ranges it has read per partition and reads any part not covered yet.
 * - time-window (View, Merge, Distributed, or no access to system.parts): no parts to list; each
 *   poll reads the whole horizon and drops what it showed. Exact up to the horizon, and costlier.
 */
export const TAIL_STRATEGIES = ['block-cursor', 'covered-blocks', 'time-window'] as const;
export type TailStrategyName = (typeof TAIL_STRATEGIES)[number];

export interface TailStrategy {
  name: TailStrategyName;
  /** One sentence for the Live tail view and the CLI. */
  detail: string;
}

export function chooseTailStrategy(engine: string, canReadParts: boolean, horizonMinutes: number): TailStrategy {
  const window = (why: string): TailStrategy => ({ name: 'time-window', detail: `Each poll reads the last ${horizonMinutes} minutes again and shows only what is new, since ${why} (a span that lands later than that is missed).` });
  if (!canReadParts) return window('this user cannot read system.parts');
  if (/^(Replicated|Shared)/.test(engine)) return { name: 'covered-blocks', detail: `Each poll reads only the data written since the one before: a ${engine} table's parts can arrive out of order, so the tail keeps which it has read and reads any it has not.` };
  if (/MergeTree$/.test(engine)) return { name: 'block-cursor', detail: 'Each poll reads only the data written since the one before, not the last minutes again.' };
  return window(`a ${engine} table has no parts of its own`);
}

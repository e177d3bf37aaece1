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
  const window = (why: string): TailStrategy => ({ name: 'time-window', detail: `Time-window mode: ${why}, so each poll reads the last ${horizonMinutes} minutes and shows only what is new (exact up to that horizon).` });
  if (!canReadParts) return window('this user cannot read system.parts');
  if (/^(Replicated|Shared)/.test(engine)) return { name: 'covered-blocks', detail: `Covered-blocks mode: a ${engine} table's parts can appear out of block order, so the tail keeps the block ranges it has read and reads any part not covered yet.` };
  if (/MergeTree$/.test(engine)) return { name: 'block-cursor', detail: 'Block-cursor mode: each poll reads only the parts written since the last one.' };
  return window(`a ${engine} table has no parts of its own`);
}

/**
 * Which parts of a table a tail still has to read, when parts can become visible out of block
 * order (ReplicatedMergeTree, ClickHouse Cloud's SharedMergeTree: a block number is taken before
 * its insert commits, and replicas fetch parts later). Instead of one cursor, the tail keeps, per
 * partition, the block ranges it has read; a part is read when its range is not all covered.
 *
 * Why this is exact: a row is written with a block number no part read so far contained, so the
 * part that holds it — the one it was inserted as, or any merge of it — is never fully covered
 * until it has been read. And a merge never spans a block whose insert has not committed
 * (ClickHouse holds block-number locks), so covering a merged part's whole range cannot hide a
 * row that arrives later. Repeated rows (a merged part read again) are dropped by span id.
 * Pure: the simulation in test/unit/covered-blocks.test.ts drives it.
 */

export interface PartInfo {
  /** ClickHouse's partition_id (a date here). */
  partition: string;
  minBlock: number;
  maxBlock: number;
  name: string;
}

type Interval = [number, number];

export class CoveredBlocks {
  private readonly byPartition = new Map<string, Interval[]>();

  /** True when every block of the part has been read. */
  covers(part: PartInfo): boolean {
    const list = this.byPartition.get(part.partition) ?? [];
    return list.some(([a, b]) => a <= part.minBlock && part.maxBlock <= b);
  }

  add(part: PartInfo): void {
    const list = [...(this.byPartition.get(part.partition) ?? []), [part.minBlock, part.maxBlock] as Interval].sort((x, y) => x[0] - y[0]);
    const merged: Interval[] = [];
    for (const [a, b] of list) {
      const last = merged.at(-1);
      // Adjacent ranges join: blocks are integers, so [1,4] and [5,9] cover [1,9].
      if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
      else merged.push([a, b]);
    }
    this.byPartition.set(part.partition, merged);
  }

  /** Forgets partitions the tail's horizon has left (their parts are never read again). */
  forgetPartitionsBefore(partition: string): void {
    for (const p of this.byPartition.keys()) if (p < partition) this.byPartition.delete(p);
  }

  /** How many separate ranges are kept (a measure of open gaps). */
  get ranges(): number {
    let n = 0;
    for (const list of this.byPartition.values()) n += list.length;
    return n;
  }
}

/** The active parts a poll must read. */
export function partsToRead(active: readonly PartInfo[], covered: CoveredBlocks): PartInfo[] {
  return active.filter((p) => !covered.covers(p));
}

/**
 * Which of the parts seen before a part was merged from. A merge rewrites parts without changing
 * a row, so a summary slice whose parts were merged still has the same spans: told apart here by
 * the merged part's block range and rows (system.parts), not by counting the slice's spans per
 * minute again (on a busy table merges come every few minutes, and that count read ~10 M rows of
 * the time column in bench:summary). A part is taken as a pure merge only when the parts seen
 * before in its partition span its block range from end to end without overlapping, neither it nor
 * they are mutated (data_version is the first block), and its rows are their sum: a TTL drop, a
 * delete, an update or a part never seen makes it new. Gaps between them are allowed: a plain
 * MergeTree numbers blocks across the whole table, so an insert that spans midnight (daily
 * partitions) gives each day's part its own block, and a day's parts are 1, 3, 5… (a missing block
 * of the same partition would show in the rows).
 */
import type { PartSpan } from './table-parts.js';

/** How many parts are remembered per table (the newest kept); beyond it a merge of forgotten parts is just a new part. */
const LINEAGE_PARTS = 20_000;

interface Known {
  part: PartSpan;
  /** The parts seen first (never merged from others seen before) that it holds the rows of. */
  leaves: readonly PartSpan[];
}

export class PartLineage {
  private readonly tables = new Map<string, Map<string, Known>>();

  /**
   * The leaves of `parts` (the active parts with rows in `window`): a part seen before keeps its
   * leaves, a pure merge of parts seen before takes theirs, any other part is its own. Remembers
   * `parts` for the next call, forgetting the parts in the window that are no longer active.
   */
  leavesOf(tableKey: string, parts: readonly PartSpan[], window: { fromMs: number; toMs: number }): PartSpan[] {
    const before = this.tables.get(tableKey) ?? new Map<string, Known>();
    const now = new Map<string, Known>();
    for (const part of parts) now.set(part.name, before.get(part.name) ?? { part, leaves: mergedFrom(part, before) ?? [part] });
    // Parts outside this window were not asked about: still active, as far as this call knows.
    for (const [name, k] of before) if (!now.has(name) && (k.part.toMs < window.fromMs || k.part.fromMs > window.toMs)) now.set(name, k);
    this.tables.delete(tableKey);
    this.tables.set(tableKey, trimmed(now));
    while (this.tables.size > 16) this.tables.delete(this.tables.keys().next().value!);
    return parts.flatMap((p) => now.get(p.name)!.leaves);
  }
}

/** The leaves of the parts seen before that `part` is a pure merge of, or null. */
function mergedFrom(part: PartSpan, before: ReadonlyMap<string, Known>): PartSpan[] | null {
  const b = part.blocks;
  if (!b || b.dataVersion !== b.min) return null;
  const sources = [...before.values()]
    .filter((k) => k.part.blocks?.partition === b.partition && k.part.blocks.min >= b.min && k.part.blocks.max <= b.max)
    .sort((x, y) => x.part.blocks!.min - y.part.blocks!.min);
  if (sources.length === 0) return null;
  if (sources[0]!.part.blocks!.min !== b.min) return null;
  let next = b.min;
  let rows = 0;
  for (const s of sources) {
    const sb = s.part.blocks!;
    if (sb.min < next || sb.dataVersion !== sb.min) return null;
    next = sb.max + 1;
    rows += s.part.rows;
  }
  if (next !== b.max + 1 || rows !== part.rows) return null;
  return sources.flatMap((s) => s.leaves);
}

/** The newest LINEAGE_PARTS parts. */
function trimmed(known: Map<string, Known>): Map<string, Known> {
  if (known.size <= LINEAGE_PARTS) return known;
  return new Map([...known].sort((x, y) => y[1].part.toMs - x[1].part.toMs).slice(0, LINEAGE_PARTS));
}

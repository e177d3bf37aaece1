/** A table column: its grid width, the least it needs, and how early it goes when space runs out (0 stays longest). */
export interface GridColumn<T> {
  id: string;
  label: string;
  width: string;
  minPx: number;
  priority: number;
  cell: (row: T) => React.ReactNode;
}

/** The columns that fit `widthPx` (gaps and padding included), the lowest-priority ones dropped first, in their own order. */
export function fitColumns<T>(columns: readonly GridColumn<T>[], widthPx: number, gapPx: number, paddingPx: number): GridColumn<T>[] {
  const byPriority = [...columns].sort((a, b) => a.priority - b.priority);
  const kept = new Set<string>();
  let used = paddingPx;
  for (const c of byPriority) {
    const need = c.minPx + (kept.size ? gapPx : 0);
    if (kept.size && used + need > widthPx) break;
    kept.add(c.id);
    used += need;
  }
  return columns.filter((c) => kept.has(c.id));
}

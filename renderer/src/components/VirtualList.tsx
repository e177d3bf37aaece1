import { useEffect, useRef, useState, type ReactNode, type UIEvent } from 'react';

/** Renders only the rows in view (plus a margin), so 10,000 rows cost what 40 do. */
export function VirtualList({ count, rowHeight, height, renderRow, onScrollTop, label, pinTop = false }: { count: number; rowHeight: number; height: number; renderRow: (index: number) => ReactNode; onScrollTop?: (top: number) => void; label: string; pinTop?: boolean }) {
  const [top, setTop] = useState(0);
  const ref = useRef<HTMLDivElement>(null);
  // Follow mode: the newest rows are on top, so stay there as rows arrive.
  useEffect(() => {
    if (pinTop && ref.current) ref.current.scrollTop = 0;
  }, [pinTop, count]);
  const first = Math.max(0, Math.floor(top / rowHeight) - 10);
  const last = Math.min(count, Math.ceil((top + height) / rowHeight) + 10);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div key={i} className="vrow" style={{ top: i * rowHeight, height: rowHeight }} role="row" aria-rowindex={i + 1}>
        {renderRow(i)}
      </div>,
    );
  }
  return (
    <div
      className="vlist"
      ref={ref}
      style={{ height }}
      role="grid"
      aria-label={label}
      aria-rowcount={count}
      tabIndex={0}
      onScroll={(e: UIEvent<HTMLDivElement>) => {
        setTop(e.currentTarget.scrollTop);
        onScrollTop?.(e.currentTarget.scrollTop);
      }}
    >
      <div style={{ height: count * rowHeight, position: 'relative' }}>{rows}</div>
    </div>
  );
}

import type { ReactNode } from 'react';
import { VirtualList } from './VirtualList';

/** A header and a virtualized body: the frame the span and request tables share. */
export function RowTable({ columns, className, label, count, height, follow, renderRow }: { columns: readonly string[]; className: string; label: string; count: number; height: number; follow: boolean; renderRow: (i: number) => ReactNode }) {
  return (
    <div className={className}>
      <div className="thead" role="row">
        {columns.map((c) => (
          <span key={c} role="columnheader">
            {c}
          </span>
        ))}
      </div>
      <VirtualList label={label} count={count} rowHeight={28} height={height} pinTop={follow} renderRow={renderRow} />
    </div>
  );
}

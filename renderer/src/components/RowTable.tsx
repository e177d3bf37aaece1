import type { CSSProperties, ReactNode } from 'react';
import { VirtualList } from './VirtualList';

/** A header and a virtualized body: the frame the span and request tables share. */
export function RowTable({ columns, className, label, count, height, follow, renderRow, template }: { columns: readonly string[]; className: string; label: string; count: number; height: number; follow: boolean; renderRow: (i: number) => ReactNode; template?: string }) {
  // `template`: the grid columns, when the table computes them (CSS reads --row-columns).
  return (
    <div className={className} style={template ? ({ '--row-columns': template } as CSSProperties) : undefined}>
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

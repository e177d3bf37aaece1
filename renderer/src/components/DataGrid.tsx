import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useRef, type CSSProperties, type KeyboardEvent } from 'react';
import { fitColumns, type GridColumn } from './fit-columns';
import { useWidth } from './use-width';

const ROW_HEIGHT = 28;
const HEAD_HEIGHT = 30;
const GAP = 6;
/** The row's side padding and the scroller's vertical scrollbar. */
const PADDING = 24 + 16;
/** How close to the last loaded row the next page is asked for. */
const NEAR_END = 30;

export interface DataGridProps<T> {
  rows: readonly T[];
  rowKey: (row: T) => string;
  columns: readonly GridColumn<T>[];
  label: string;
  height: number;
  /** The row the keyboard is on (aria-activedescendant), and the one open in the drawer. */
  activeKey: string | null;
  openKey?: string | null;
  onActive: (row: T) => void;
  onOpen: (row: T) => void;
  onNearEnd?: () => void;
  /** Newest rows on top: stay at the top as rows arrive (the live tail). */
  follow?: boolean;
  rowClass?: (row: T) => string;
  rowTitle?: (row: T) => string;
  rowTestId: string;
  className?: string;
}

/**
 * Dispatched on a grid's element (enterGrid) to give it the focus from elsewhere, as ↓ in a
 * search box does: the grid takes focus with its first row active (the top of what was just searched).
 */
const GRID_ENTER = 'cst-grid-enter';

/** Moves the focus into the first grid within `container`; false when it holds none. */
export function enterGrid(container: HTMLElement | null): boolean {
  const grid = container?.querySelector<HTMLElement>('[role="grid"]');
  if (!grid) return false;
  grid.dispatchEvent(new Event(GRID_ENTER));
  return true;
}

const KEYS: Record<string, number> = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1, PageDown: 10, PageUp: -10 };

/**
 * A virtualized grid with one Tab stop: ↑/↓ (j/k) move the active row, Enter opens it; the grid
 * keeps focus and names the active row with aria-activedescendant. Columns that do not fit the
 * width are dropped, lowest priority first, so the page never scrolls sideways.
 */
export function DataGrid<T>(props: DataGridProps<T>) {
  const { rows, rowKey, label, height, activeKey, openKey, onActive, onOpen, onNearEnd, follow = false } = props;
  const frame = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const width = useWidth(frame);
  const columns = fitColumns(props.columns, width, GAP, PADDING);
  const idBase = useId();
  // The header row sits in the scroller, sticky, above the rows: the rows start HEAD_HEIGHT in.
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12, scrollMargin: HEAD_HEIGHT, scrollPaddingStart: HEAD_HEIGHT });
  const items = virtualizer.getVirtualItems();
  const activeIndex = activeKey === null ? -1 : rows.findIndex((r) => rowKey(r) === activeKey);

  const lastShown = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (onNearEnd && rows.length > 0 && lastShown >= rows.length - NEAR_END) onNearEnd();
  }, [lastShown, rows.length, onNearEnd]);
  useEffect(() => {
    if (follow && scroller.current) scroller.current.scrollTop = 0;
  }, [follow, rows.length]);
  useEffect(() => {
    if (activeIndex >= 0) virtualizer.scrollToIndex(activeIndex, { align: 'auto' });
  }, [activeIndex, virtualizer]);

  // The latest rows and selection for the enter event's listener, added once.
  const latest = useRef({ rows, onActive });
  useEffect(() => {
    latest.current = { rows, onActive };
  });
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const enter = () => {
      el.focus();
      const { rows: now, onActive: activate } = latest.current;
      if (now.length > 0) activate(now[0]!);
    };
    el.addEventListener(GRID_ENTER, enter);
    return () => el.removeEventListener(GRID_ENTER, enter);
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey || !rows.length) return;
    if (e.key === 'Enter' && activeIndex >= 0) {
      e.preventDefault();
      onOpen(rows[activeIndex]!);
      return;
    }
    const step = KEYS[e.key];
    const to = e.key === 'Home' ? 0 : e.key === 'End' ? rows.length - 1 : step === undefined ? null : Math.min(rows.length - 1, Math.max(0, activeIndex + step));
    if (to === null) return;
    e.preventDefault();
    onActive(rows[to]!);
  };

  const template = { '--row-columns': columns.map((c) => c.width).join(' ') } as CSSProperties;
  const rowId = (i: number) => `${idBase}-row-${i}`;
  return (
    <div className={`data-grid ${props.className ?? ''}`} ref={frame} style={template}>
      <div
        ref={scroller}
        className="vlist"
        style={{ height }}
        role="grid"
        aria-label={label}
        aria-rowcount={rows.length + 1}
        aria-colcount={columns.length}
        tabIndex={0}
        aria-activedescendant={activeIndex >= 0 && items.some((v) => v.index === activeIndex) ? rowId(activeIndex) : undefined}
        onKeyDown={onKeyDown}
      >
        <div className="thead" role="row" aria-rowindex={1}>
          {columns.map((c) => (
            <span key={c.id} role="columnheader">
              {c.label}
            </span>
          ))}
        </div>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((v) => {
            const r = rows[v.index]!;
            const key = rowKey(r);
            return (
              <div
                key={key}
                id={rowId(v.index)}
                role="row"
                aria-rowindex={v.index + 2}
                aria-selected={key === activeKey}
                aria-current={key === openKey ? 'true' : undefined}
                className={`span-row ${props.rowClass?.(r) ?? ''} ${key === activeKey ? 'is-active' : ''} ${key === openKey ? 'is-open' : ''}`}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${v.start - HEAD_HEIGHT}px)` }}
                title={props.rowTitle?.(r)}
                data-testid={props.rowTestId}
                onClick={() => {
                  onActive(r);
                  onOpen(r);
                  scroller.current?.focus({ preventScroll: true });
                }}
              >
                {columns.map((c) => (
                  <span key={c.id} role="gridcell">
                    {c.cell(r)}
                  </span>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/**
 * The waterfall as an accessible tree grid: only the rows in view are in the DOM (TanStack
 * Virtual), names and durations as text, the bars and the time axis on canvases. Keyboard: ↑/↓
 * move, ←/→ collapse/expand (or go to the parent / first child), Home/End, PageUp/PageDown, Enter selects.
 * Focus stays on the grid and aria-activedescendant names the active row, so a row scrolled out of
 * the DOM never takes the focus with it.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { formatDuration } from './format';
import { colorsOf, drawAxis, drawBars } from './waterfall-canvas';
import { hasChildren, rowAtOrAfter, spanAt, type TraceTree } from '../../../../electron/shared/trace-tree';
import './waterfall.css';

const ROW_HEIGHT = 26;
const HEAD_HEIGHT = 24;
/** Deeper spans share the last indent; their depth is still announced (aria-level) and in the tooltip. */
const MAX_INDENT_LEVELS = 24;

export interface WaterfallGridProps {
  tree: TraceTree;
  /** Positions shown, increasing (visibleRows). */
  rows: Int32Array;
  collapsed: Uint8Array;
  filter: string;
  selectedPos: number | null;
  onToggle: (pos: number) => void;
  onSelect: (pos: number) => void;
  idPrefix: string;
}

export function WaterfallGrid({ tree, rows, collapsed, filter, selectedPos, onToggle, onSelect, idPrefix }: WaterfallGridProps) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const trackHeadRef = useRef<HTMLDivElement>(null);
  const axisRef = useRef<HTMLCanvasElement>(null);
  const barsRef = useRef<HTMLCanvasElement>(null);
  const [active, setActive] = useState<number>(selectedPos ?? rows[0] ?? 0);
  const [box, setBox] = useState({ left: 0, top: HEAD_HEIGHT, width: 0, height: 0 });
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 6, scrollMargin: HEAD_HEIGHT });

  // Where the track column is: the bars canvas lies over it, above the rows, below the sticky head.
  useLayoutEffect(() => {
    const wrap = wrapRef.current;
    const head = trackHeadRef.current;
    const scroller = scrollRef.current;
    if (!wrap || !head || !scroller) return;
    const measure = () => {
      const left = head.getBoundingClientRect().left - wrap.getBoundingClientRect().left;
      setBox((b) => {
        const next = { left, top: scroller.clientTop + HEAD_HEIGHT, width: head.clientWidth, height: Math.max(0, scroller.clientHeight - HEAD_HEIGHT) };
        return b.left === next.left && b.top === next.top && b.width === next.width && b.height === next.height ? b : next;
      });
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(wrap);
    observer.observe(scroller);
    return () => observer.disconnect();
  }, []);

  const draw = useCallback(() => {
    const bars = barsRef.current;
    const axis = axisRef.current;
    const scroller = scrollRef.current;
    if (!bars || !axis || !scroller || box.width <= 0) return;
    const colors = colorsOf(scroller);
    drawAxis(axis, box.width, HEAD_HEIGHT, tree.totalNs, colors);
    drawBars(bars, tree, { width: box.width, height: box.height, rowHeight: ROW_HEIGHT, scrollTop: scroller.scrollTop, rows }, colors);
  }, [box, tree, rows]);

  // Redrawn after every render (rows, selection, size) and on every scroll, in the frame it happens.
  useLayoutEffect(draw);
  useEffect(() => {
    const scroller = scrollRef.current;
    if (!scroller) return;
    let frame = 0;
    const onScroll = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(draw);
    };
    scroller.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('resize', onScroll);
    return () => {
      cancelAnimationFrame(frame);
      scroller.removeEventListener('scroll', onScroll);
      window.removeEventListener('resize', onScroll);
    };
  }, [draw]);

  // Scrolls row i into view, only if it is not in view: the virtualizer's scrollToIndex keeps
  // correcting for a few frames, which would undo a scroll the person makes meanwhile.
  const reveal = (i: number) => {
    const scroller = scrollRef.current;
    if (!scroller) return;
    const top = i * ROW_HEIGHT;
    const view = scroller.clientHeight - HEAD_HEIGHT;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > scroller.scrollTop + view) scroller.scrollTop = top + ROW_HEIGHT - view;
  };

  // A selection from outside (a link, the URL) becomes the active row and is scrolled into view.
  useEffect(() => {
    if (selectedPos === null) return;
    setActive(selectedPos);
    const i = rowAtOrAfter(rows, selectedPos);
    if (rows[i] === selectedPos) reveal(i);
    // Only when the selection changes: rows changing (a filter) must not jump back to it.
  }, [selectedPos]); // eslint-disable-line react-hooks/exhaustive-deps

  // The active row hidden by a collapse or a filter: the next row shown takes its place.
  const activeIndex = Math.min(rowAtOrAfter(rows, active), rows.length - 1);
  const activePos = rows[activeIndex] ?? -1;

  const go = (index: number) => {
    if (!rows.length) return;
    const i = Math.max(0, Math.min(rows.length - 1, index));
    setActive(rows[i]!);
    reveal(i);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (activePos < 0) return;
    const page = Math.max(1, Math.floor(box.height / ROW_HEIGHT) - 1);
    const open = hasChildren(tree, activePos) && !collapsed[activePos];
    switch (e.key) {
      case 'ArrowDown':
        go(activeIndex + 1);
        break;
      case 'ArrowUp':
        go(activeIndex - 1);
        break;
      case 'PageDown':
        go(activeIndex + page);
        break;
      case 'PageUp':
        go(activeIndex - page);
        break;
      case 'Home':
        go(0);
        break;
      case 'End':
        go(rows.length - 1);
        break;
      case 'ArrowRight':
        if (hasChildren(tree, activePos) && collapsed[activePos]) onToggle(activePos);
        else if (open && tree.parent[rows[activeIndex + 1] ?? -1] === activePos) go(activeIndex + 1);
        break;
      case 'ArrowLeft': {
        if (open) onToggle(activePos);
        else {
          const parent = tree.parent[activePos]!;
          const i = parent >= 0 ? rowAtOrAfter(rows, parent) : -1;
          if (i >= 0 && rows[i] === parent) go(i);
        }
        break;
      }
      case 'Enter':
      case ' ':
        onSelect(activePos);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const items = virtualizer.getVirtualItems();
  return (
    <div className="wf" ref={wrapRef}>
      <div
        ref={scrollRef}
        className="wf-scroll"
        role="treegrid"
        aria-label="Waterfall"
        aria-rowcount={rows.length + 1}
        aria-activedescendant={activePos >= 0 ? `${idPrefix}-${activePos}` : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid="waterfall"
        data-rows={rows.length}
        data-filter={filter}
        style={{ height: Math.min(560, HEAD_HEIGHT + Math.max(1, rows.length) * ROW_HEIGHT + 2) }}
      >
        <div className="wf-head" role="row" aria-rowindex={1} style={{ height: HEAD_HEIGHT }}>
          <div role="columnheader">Span</div>
          <div role="columnheader" ref={trackHeadRef} className="wf-axis">
            <canvas ref={axisRef} aria-hidden="true" />
            <span className="sr-only">Start and length</span>
          </div>
          <div role="columnheader" className="wf-dur">
            Duration
          </div>
        </div>
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const pos = rows[item.index]!;
            const span = spanAt(tree, pos);
            const depth = tree.depth[pos]!;
            const kids = hasChildren(tree, pos);
            const failed = tree.failed[pos] === 1;
            return (
              <div
                key={pos}
                id={`${idPrefix}-${pos}`}
                role="row"
                data-testid="wf-row"
                aria-rowindex={item.index + 2}
                aria-level={depth + 1}
                aria-expanded={kids ? !collapsed[pos] : undefined}
                aria-selected={pos === selectedPos}
                className={`wf-row${pos === selectedPos ? ' selected' : ''}${pos === activePos ? ' active' : ''}${failed ? ' failed' : ''}`}
                style={{ height: ROW_HEIGHT, transform: `translateY(${item.start - HEAD_HEIGHT}px)` }}
                onClick={() => {
                  setActive(pos);
                  onSelect(pos);
                }}
              >
                <div role="gridcell" className="wf-name" style={{ paddingLeft: 4 + Math.min(depth, MAX_INDENT_LEVELS) * 12 }} title={`${span.name} · ${span.service} · depth ${depth}`}>
                  {kids ? (
                    <button
                      type="button"
                      tabIndex={-1}
                      className="wf-twisty"
                      aria-label={`${collapsed[pos] ? 'Expand' : 'Collapse'} ${span.name}`}
                      aria-expanded={!collapsed[pos]}
                      onClick={(e) => {
                        e.stopPropagation();
                        setActive(pos);
                        onToggle(pos);
                      }}
                    >
                      {collapsed[pos] ? '▸' : '▾'}
                    </button>
                  ) : (
                    <span className="wf-twisty" />
                  )}
                  {failed ? (
                    <span className="wf-failed" data-testid="wf-failed">
                      ⚠ error
                    </span>
                  ) : null}
                  <span className="wf-label">{span.name}</span>
                  {tree.parent[pos]! >= 0 && spanAt(tree, tree.parent[pos]!).service !== span.service ? <span className="wf-service">{span.service}</span> : null}
                </div>
                <div role="gridcell" className="wf-track">
                  <span className="sr-only">starts at +{formatDuration(tree.startNs[pos]!)}</span>
                </div>
                <div role="gridcell" className="wf-dur">
                  {formatDuration(tree.durationNs[pos]!)}
                </div>
              </div>
            );
          })}
        </div>
      </div>
      <canvas ref={barsRef} className="wf-bars" aria-hidden="true" style={{ left: box.left, top: box.top, width: box.width, height: box.height }} />
    </div>
  );
}

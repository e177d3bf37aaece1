/**
 * The waterfall's bars and time axis, drawn on canvases. Written by hand because no installed
 * package draws a span timeline: one canvas per visible window, redrawn on scroll and resize,
 * costs the same at 50,000 spans as at 10, where a DOM element per bar is what made 10,000 spans slow.
 * The rows themselves (names, durations, keyboard) stay in the DOM; the bars repeat what their
 * cells say in text, so nothing is shown by the canvas alone.
 */
import { formatDuration } from './format';
import type { TraceTree } from '../../../../electron/shared/trace-tree';

export interface WaterfallColors {
  bar: string;
  error: string;
  grid: string;
  text: string;
}

/** The theme's colours, read from the page's CSS variables so dark mode draws dark. */
export function colorsOf(el: Element): WaterfallColors {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return { bar: v('--ok', '#1f9d55'), error: v('--bad', '#d93025'), grid: v('--border', '#d9dde3'), text: v('--muted', '#5c6570') };
}

/** Sizes the backing store to CSS size × devicePixelRatio (sharp on HiDPI) and returns a context drawing in CSS pixels. */
function fit(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(width * dpr));
  const h = Math.max(1, Math.round(height * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

/** About one tick per 90 px (at least two), on a 1-2-5 step. */
export function tickStep(totalNs: number, width: number): number {
  const raw = totalNs / Math.max(2, width / 90);
  const pow = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  return [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
}

export function drawAxis(canvas: HTMLCanvasElement, width: number, height: number, totalNs: number, colors: WaterfallColors): void {
  const ctx = fit(canvas, width, height);
  if (!ctx) return;
  const step = tickStep(totalNs, width);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = colors.text;
  ctx.strokeStyle = colors.grid;
  for (let t = 0; t <= totalNs; t += step) {
    const x = Math.round((t / totalNs) * (width - 1)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, height - 5);
    ctx.lineTo(x, height);
    ctx.stroke();
    const label = t === 0 ? '0' : formatDuration(t);
    const w = ctx.measureText(label).width;
    // The last label is kept inside the canvas rather than cut at its edge.
    ctx.fillText(label, Math.min(Math.max(0, x - w / 2), width - w), height / 2 - 2);
  }
}

export interface BarsWindow {
  width: number;
  height: number;
  rowHeight: number;
  scrollTop: number;
  rows: Int32Array;
}

/** The bars of the rows in view (and the tick lines behind them), at their place under the current scroll. */
export function drawBars(canvas: HTMLCanvasElement, tree: TraceTree, w: BarsWindow, colors: WaterfallColors): void {
  const ctx = fit(canvas, w.width, w.height);
  if (!ctx) return;
  const total = tree.totalNs;
  const scale = (w.width - 1) / total;
  ctx.strokeStyle = colors.grid;
  ctx.globalAlpha = 0.6;
  const step = tickStep(total, w.width);
  for (let t = step; t <= total; t += step) {
    const x = Math.round(t * scale) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, w.height);
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  const barHeight = Math.max(4, Math.round(w.rowHeight * 0.45));
  const first = Math.max(0, Math.floor(w.scrollTop / w.rowHeight));
  const last = Math.min(w.rows.length, Math.ceil((w.scrollTop + w.height) / w.rowHeight) + 1);
  for (let r = first; r < last; r++) {
    const pos = w.rows[r]!;
    const y = r * w.rowHeight - w.scrollTop + (w.rowHeight - barHeight) / 2;
    const x = tree.startNs[pos]! * scale;
    // A span shorter than a pixel still gets one, so it can be seen at all.
    const width = Math.max(1.5, tree.durationNs[pos]! * scale);
    ctx.fillStyle = tree.failed[pos] ? colors.error : colors.bar;
    ctx.fillRect(x, y, Math.min(width, w.width - x), barHeight);
  }
}

import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  bars?: boolean;
}

/** A palette that reads on light and dark panels. */
export const CHART_COLORS = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#ec4899', '#64748b'];

const two = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const dayOf = (d: Date) => `${MONTHS[d.getMonth()]} ${d.getDate()}`;
const clockOf = (d: Date) => `${two(d.getHours())}:${two(d.getMinutes())}`;

/**
 * The time axis on the 24-hour clock the tables use (uPlot's own labels are "3pm"): hours and
 * minutes, the day where it changes or when the ticks are days apart.
 */
function timeTicks(ticks: number[], incrSec: number): string[] {
  return ticks.map((sec, i) => {
    const d = new Date(sec * 1000);
    if (incrSec >= 86_400) return dayOf(d);
    const prev = i > 0 ? new Date(ticks[i - 1]! * 1000) : null;
    return prev === null || prev.getDate() !== d.getDate() ? `${clockOf(d)}\n${dayOf(d)}` : clockOf(d);
  });
}

/** The moment under the cursor, in the legend. */
const momentOf = (sec: number) => {
  const d = new Date(sec * 1000);
  return `${dayOf(d)} ${clockOf(d)}`;
};

/** A time series drawn by uPlot (canvas, made for large series); `times` are milliseconds. */
export function TimeChart({ title, times, series, format, height = 160, testId }: { title: string; times: number[]; series: ChartSeries[]; format: (v: number) => string; height?: number; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const muted = getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#888';
    const grid = getComputedStyle(document.documentElement).getPropertyValue('--border').trim() || '#ddd';
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const bars = uPlot.paths.bars?.({ size: [0.7, 40] });
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: [{ ...axis, values: (_u, ticks, _axisIdx, _space, incr) => timeTicks(ticks, incr) }, { ...axis, size: 64, values: (_u, ticks) => ticks.map((v) => format(v)) }],
        series: [{ value: (_u: uPlot, sec: number | null) => (sec === null ? '—' : momentOf(sec)) }, ...series.map((s) => ({ label: s.label, stroke: s.color, fill: s.bars ? `${s.color}99` : undefined, width: s.bars ? 0 : 2, paths: s.bars ? bars : undefined, points: { show: false }, value: (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)) }))],
      },
      [times.map((t) => t / 1000), ...series.map((s) => s.values)],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [times, series, format, height]);
  return (
    <figure className="timechart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div ref={box} />
    </figure>
  );
}

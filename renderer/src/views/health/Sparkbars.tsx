import { clockMinute } from '../traces/format';

/** A small SVG bar chart: spans per minute over the last hour. */
export function Sparkbars({ points, now, label }: { points: { minute: number; spans: number }[]; now: number; label: string }) {
  const minutes = 60;
  const start = Math.floor(now / 60_000) * 60_000 - (minutes - 1) * 60_000;
  const byMinute = new Map(points.map((p) => [p.minute, p.spans]));
  const values = Array.from({ length: minutes }, (_, i) => byMinute.get(start + i * 60_000) ?? 0);
  const peak = Math.max(0, ...values);
  const max = Math.max(1, peak);
  const w = 6;
  const h = 60;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${minutes * w} ${h}`} role="img" aria-label={label} preserveAspectRatio="none">
        {values.map((v, i) => (
          <rect key={i} x={i * w + 1} y={h - (v / max) * (h - 2)} width={w - 2} height={(v / max) * (h - 2)} className="bar">
            <title>{`${clockMinute(start + i * 60_000)}: ${v} spans`}</title>
          </rect>
        ))}
      </svg>
      <figcaption className="muted">
        {label} · peak {peak}/min
      </figcaption>
    </figure>
  );
}

/** A small SVG line: canary end-to-end latency, red dots where it did not land. */
export function LatencyLine({ points, label }: { points: { at: number; latencyMs: number | null }[]; label: string }) {
  if (points.length === 0) return <p className="muted">No canary results yet.</p>;
  const w = 360;
  const h = 60;
  const max = Math.max(1, ...points.map((p) => p.latencyMs ?? 0));
  const x = (i: number) => (points.length === 1 ? w / 2 : (i / (points.length - 1)) * (w - 8) + 4);
  const y = (ms: number) => h - 4 - (ms / max) * (h - 8);
  const line = points
    .map((p, i) => (p.latencyMs === null ? null : `${x(i)},${y(p.latencyMs)}`))
    .filter((v): v is string => v !== null)
    .join(' ');
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
        <polyline className="line" fill="none" points={line} />
        {points.map((p, i) => (p.latencyMs === null ? <circle key={i} cx={x(i)} cy={h - 6} r={3} className="miss" /> : <circle key={i} cx={x(i)} cy={y(p.latencyMs)} r={2.5} className="dot" />))}
      </svg>
      <figcaption className="muted">
        {label} · max {(max / 1000).toFixed(1)} s
      </figcaption>
    </figure>
  );
}

import { useMemo } from 'react';
import { CHART_COLORS, TimeChart, type ChartSeries } from '../../components/TimeChart';
import { fmtNum } from '../traces/format';
import { everyBucket } from '../../../../electron/shared/summary-buckets';
import { fmtMs, fmtUsd, inWhat, type Summary } from './summary-bits';

/** Requests and errors, p95 latency and cost per model over the searched window. */
export function SummaryCharts({ summary }: { summary: Summary }) {
  const charts = useMemo(() => {
    const buckets = everyBucket(summary);
    const times = buckets.map((b) => b.t);
    const traffic: ChartSeries[] = [
      { label: 'Requests', values: buckets.map((b) => b.point?.requests ?? 0), color: CHART_COLORS[0]!, bars: true },
      { label: 'Errors', values: buckets.map((b) => b.point?.errors ?? 0), color: CHART_COLORS[3]!, bars: true },
    ];
    const latency: ChartSeries[] = [{ label: 'p95 latency', values: buckets.map((b) => b.point?.p95Ms ?? null), color: CHART_COLORS[4]! }];
    const models = [...new Set(summary.series.flatMap((p) => Object.keys(p.costByModel)))];
    const cost: ChartSeries[] = models.map((m, i) => ({ label: m, values: buckets.map((b) => (b.point ? (b.point.costByModel[m] ?? 0) : 0)), color: CHART_COLORS[i % CHART_COLORS.length]! }));
    return { times, traffic, latency, cost };
  }, [summary]);
  if (!charts.times.length) return <p className="muted">No requests {inWhat(summary)} to chart.</p>;
  return (
    <div className="charts-grid" data-testid="charts">
      <TimeChart title={`Requests and errors per ${Math.round(summary.bucketMs / 60_000)} min`} times={charts.times} series={charts.traffic} format={(v) => fmtNum(v)} testId="chart-traffic" />
      <TimeChart title="p95 latency" times={charts.times} series={charts.latency} format={fmtMs} testId="chart-latency" />
      <TimeChart title="Cost per model" times={charts.times} series={charts.cost} format={fmtUsd} testId="chart-cost" />
    </div>
  );
}

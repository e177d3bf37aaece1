import { DataGrid } from '../../components/DataGrid';
import type { GridColumn } from '../../components/fit-columns';
import { fmtCost, fmtNum, formatDuration, formatTime, type Span } from './format';

const text = (v: string, className = '') => (
  <span className={className} title={v || undefined}>
    {v || '—'}
  </span>
);

/** The LLM-traffic columns; the number says how early a column goes in a narrow window. */
const SPAN_COLUMNS: GridColumn<Span>[] = [
  { id: 'time', label: 'Time', width: '100px', minPx: 96, priority: 0, cell: (s) => formatTime(s.ts) },
  { id: 'name', label: 'Span', width: 'minmax(110px, 1.6fr)', minPx: 110, priority: 0, cell: (s) => text(s.name, 'strong') },
  { id: 'service', label: 'Service', width: 'minmax(60px, 0.8fr)', minPx: 60, priority: 6, cell: (s) => text(s.service, 'muted') },
  { id: 'model', label: 'Model', width: 'minmax(90px, 1.5fr)', minPx: 90, priority: 1, cell: (s) => text(s.model) },
  { id: 'status', label: 'Status', width: '50px', minPx: 50, priority: 0, cell: (s) => <span className={`status-${s.status}`}>{s.status}</span> },
  { id: 'duration', label: 'Duration', width: '64px', minPx: 64, priority: 2, cell: (s) => formatDuration(s.durationNs) },
  { id: 'ttft', label: 'TTFT', width: '60px', minPx: 60, priority: 5, cell: (s) => (s.ttftMs === null ? '—' : `${fmtNum(s.ttftMs)} ms`) },
  { id: 'in', label: 'In', width: '48px', minPx: 48, priority: 4, cell: (s) => fmtNum(s.inputTokens) },
  { id: 'out', label: 'Out', width: '48px', minPx: 48, priority: 4, cell: (s) => fmtNum(s.outputTokens) },
  { id: 'cost', label: 'Cost', width: '72px', minPx: 72, priority: 3, cell: (s) => fmtCost(s.costUsd) },
  { id: 'caller', label: 'Caller', width: 'minmax(60px, 0.9fr)', minPx: 60, priority: 7, cell: (s) => text(s.user, 'muted') },
];

export const spanKey = (s: Span) => `${s.traceId}/${s.spanId}`;

/** Spans, virtualized; errors stand out; Enter or a click opens the trace. */
export function SpanTable({ spans, height, label, activeKey, openKey, onActive, onOpen, follow = false }: { spans: Span[]; height: number; label: string; activeKey: string | null; openKey?: string | null; onActive: (s: Span) => void; onOpen: (s: Span) => void; follow?: boolean }) {
  return (
    <DataGrid
      rows={spans}
      rowKey={spanKey}
      columns={SPAN_COLUMNS}
      label={label}
      height={height}
      activeKey={activeKey}
      openKey={openKey}
      onActive={onActive}
      onOpen={onOpen}
      follow={follow}
      rowClass={(s) => (s.status === 'error' ? 'is-error' : '')}
      rowTitle={(s) => s.statusMessage || `Open trace ${s.traceId}`}
      rowTestId="span-row"
    />
  );
}

import { RowTable } from '../../components/RowTable';
import { fmtCost, fmtNum, formatDuration, formatTime, type Span } from './format';

export const SPAN_COLUMNS = ['Time', 'Span', 'Service', 'Model', 'Status', 'Duration', 'TTFT', 'In', 'Out', 'Cost', 'Caller'] as const;

/** The LLM-traffic columns, virtualized; errors stand out; a click opens the trace. */
export function SpanTable({ spans, height, onOpen, label, follow = false }: { spans: Span[]; height: number; onOpen: (s: Span) => void; label: string; follow?: boolean }) {
  return (
    <RowTable
      columns={SPAN_COLUMNS}
      className="span-table"
      label={label}
      count={spans.length}
      height={height}
      follow={follow}
      renderRow={(i) => {
        const s = spans[i]!;
        return (
          <button type="button" className={`span-row ${s.status === 'error' ? 'is-error' : ''}`} onClick={() => onOpen(s)} title={s.statusMessage || `Open trace ${s.traceId}`} data-testid="span-row">
            <span>{formatTime(s.ts)}</span>
            <span className="strong" title={s.name}>
              {s.name}
            </span>
            <span className="muted" title={s.service}>
              {s.service}
            </span>
            <span title={s.model || undefined}>{s.model || '—'}</span>
            <span className={`status-${s.status}`}>{s.status}</span>
            <span>{formatDuration(s.durationNs)}</span>
            <span>{s.ttftMs === null ? '—' : `${fmtNum(s.ttftMs)} ms`}</span>
            <span>{fmtNum(s.inputTokens)}</span>
            <span>{fmtNum(s.outputTokens)}</span>
            <span>{fmtCost(s.costUsd)}</span>
            <span className="muted" title={s.user || undefined}>
              {s.user || '—'}
            </span>
          </button>
        );
      }}
    />
  );
}

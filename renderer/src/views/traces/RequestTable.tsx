import type { RequestRow } from '../../../../electron/shared/contract';
import type { z } from 'zod';
import { RowTable } from '../../components/RowTable';
import { fmtCost, fmtNum, formatDuration, formatTime, modelText } from './format';

export type Request = z.infer<typeof RequestRow>;

export const REQUEST_COLUMNS = ['Time', 'Request', 'Model', 'User', 'Status', 'Duration', 'TTFT', 'In', 'Out', 'Cost', 'Conversation'] as const;

function what(r: Request): string {
  if (r.mcpServer) return `${r.mcpServer} · ${r.mcpTool || r.mcpMethod || 'MCP'}`;
  return r.spanType || r.name;
}


/** One row per request (a gateway trace's root with its spans rolled up); a click opens the trace. */
export function RequestTable({ requests, height, onOpen, label, follow = false }: { requests: Request[]; height: number; onOpen: (r: Request) => void; label: string; follow?: boolean }) {
  return (
    <RowTable
      columns={REQUEST_COLUMNS}
      className="span-table request-table"
      label={label}
      count={requests.length}
      height={height}
      follow={follow}
      renderRow={(i) => {
        const r = requests[i]!;
        const failed = r.status === 'error' || r.mcpErrors > 0;
        const why = failed ? `Failed at ${r.failedSpan || r.name}${r.errorMessage ? `: ${r.errorMessage}` : ''}` : `Open trace ${r.traceId}`;
        return (
          // A focusable row (Enter opens it) rather than a button, so the conversation cell can hold its own link.
          <div
            role="button"
            tabIndex={0}
            className={`span-row ${failed ? 'is-error' : ''} ${r.hasRoot ? '' : 'is-partial'}`}
            onClick={() => onOpen(r)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                onOpen(r);
              }
      }}
              title={why}
              data-testid="request-row"
            >
              <span>{formatTime(r.ts)}</span>
              <span className="strong" title={what(r)}>
                {what(r)}
              </span>
              <span title={modelText(r.model, r.calledModels)}>{modelText(r.model, r.calledModels)}</span>
              <span className="muted" title={r.user || undefined}>
                {r.user || '—'}
              </span>
              <span className={`status-${failed ? 'error' : r.status}`}>{failed ? (r.mcpErrors && r.status !== 'error' ? 'tool error' : 'error') : r.hasRoot ? r.status : 'arriving'}</span>
              <span>{formatDuration(r.durationNs)}</span>
              <span>{r.ttftMs === null ? '—' : `${fmtNum(r.ttftMs)} ms`}</span>
              <span>{fmtNum(r.inputTokens)}</span>
              <span>{fmtNum(r.outputTokens)}</span>
              <span>{fmtCost(r.costUsd)}</span>
              <span className="muted" title={r.conversationId ? `Open conversation ${r.conversationId}` : undefined}>
                {r.conversationId ? (
                  <a href={`#/explore/conversation/${encodeURIComponent(r.conversationId)}`} onClick={(e) => e.stopPropagation()} data-testid="conversation-link">
                    {r.conversationId}
                  </a>
                ) : (
                  '—'
                )}
              </span>
            </div>
          );
        }}
    />
  );
}

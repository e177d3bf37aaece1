import type { RequestRow } from '../../../../electron/shared/contract';
import { REQUEST_FACT_COLUMNS, uncachedInput, type FactColumn } from '../../../../electron/shared/request-facts';
import type { z } from 'zod';
import { RowTable } from '../../components/RowTable';
import { fmtNum, formatDuration, formatTime, modelText } from './format';
import { CostText, tokenSplitText } from './TokenSplit';

export type Request = z.infer<typeof RequestRow>;
type NumberField = { [K in keyof Request]: Request[K] extends number | null ? K : never }[keyof Request];

/** The table's own columns, then the fact columns of shared/request-facts.ts. */
export const REQUEST_COLUMNS = ['Time', 'Request', 'Model', 'Status', 'Duration', ...REQUEST_FACT_COLUMNS.map((c) => c.label)] as const;

/** Each format's width in the grid: a new fact column needs no stylesheet change. */
const WIDTH: Record<FactColumn['format'], string> = { text: 'minmax(70px, 1fr)', count: '56px', ms: '58px', tokens: '52px', cache: '62px', output: '62px', usd: '74px', conversation: 'minmax(60px, 1fr)' };
const TEMPLATE = ['92px', 'minmax(120px, 2fr)', 'minmax(110px, 1.6fr)', '58px', '60px', ...REQUEST_FACT_COLUMNS.map((c) => WIDTH[c.format])].join(' ');

function what(r: Request): string {
  if (r.mcpServer) return `${r.mcpServer} · ${r.mcpTool || r.mcpMethod || 'MCP'}`;
  return r.spanType || r.name;
}

/** A failed request says where and why in its row, without hovering. */
function failure(r: Request): string {
  return `Failed at ${r.failedSpan || r.name}${r.errorMessage ? `: ${r.errorMessage}` : ''}`;
}

function factCell(c: FactColumn, r: Request) {
  switch (c.format) {
    case 'ms': {
      const v = r[c.field as 'ttftMs'];
      return <span key={c.label}>{v === null ? '—' : `${fmtNum(v)} ms`}</span>;
    }
    case 'count':
      return <span key={c.label}>{fmtNum(r[c.field as NumberField])}</span>;
    case 'tokens':
      return (
        <span key={c.label} title={tokenSplitText(r)}>
          {fmtNum(uncachedInput(r))}
        </span>
      );
    case 'cache': {
      const read = r.cacheReadTokens ?? 0;
      const write = r.cacheWriteTokens ?? 0;
      return (
        <span key={c.label} className="muted" title={read || write ? `${fmtNum(read)} tokens read from the cache, ${fmtNum(write)} written to it` : 'no cached tokens reported'}>
          {read || write ? `${fmtNum(read)}${write ? ` / ${fmtNum(write)}` : ''}` : '—'}
        </span>
      );
    }
    case 'output':
      return (
        <span key={c.label} title={tokenSplitText(r)}>
          {fmtNum(r.outputTokens)}
          {r.reasoningTokens ? <span className="muted small"> ({fmtNum(r.reasoningTokens)} r)</span> : null}
        </span>
      );
    case 'usd':
      return (
        <span key={c.label}>
          <CostText usd={r.costUsd} estimated={r.costEstimated} />
        </span>
      );
    case 'conversation':
      return (
        <span key={c.label} className="muted" title={r.conversationId ? `Open conversation ${r.conversationId}` : undefined}>
          {r.conversationId ? (
            <a href={`#/explore/conversation/${encodeURIComponent(r.conversationId)}`} onClick={(e) => e.stopPropagation()} data-testid="conversation-link">
              {r.conversationId}
            </a>
          ) : (
            '—'
          )}
        </span>
      );
    default: {
      const v = String(r[c.field] ?? '');
      return (
        <span key={c.label} className="muted" title={v || undefined}>
          {v || '—'}
        </span>
      );
    }
  }
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
      template={TEMPLATE}
      renderRow={(i) => {
        const r = requests[i]!;
        const failed = r.status === 'error' || r.mcpErrors > 0;
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
            title={failed ? `${what(r)} · ${failure(r)}` : `Open trace ${r.traceId}`}
            data-testid="request-row"
          >
            <span>{formatTime(r.ts)}</span>
            {failed ? (
              // A failed row says where and why in place of the request's type (the tooltip keeps both).
              <span className="request-what" data-testid="row-error">
                <span className="strong">{r.failedSpan || what(r)}</span>
                <span className="row-error">{r.errorMessage || (r.mcpErrors ? 'the tool failed' : 'failed')}</span>
              </span>
            ) : (
              <span className="strong request-what">{what(r)}</span>
            )}
            <span title={modelText(r.model, r.calledModels)}>{modelText(r.model, r.calledModels)}</span>
            <span className={`status-${failed ? 'error' : r.status}`}>{failed ? (r.mcpErrors && r.status !== 'error' ? 'tool error' : 'error') : r.hasRoot ? r.status : 'arriving'}</span>
            <span>{formatDuration(r.durationNs)}</span>
            {REQUEST_FACT_COLUMNS.map((c) => factCell(c, r))}
          </div>
        );
      }}
    />
  );
}

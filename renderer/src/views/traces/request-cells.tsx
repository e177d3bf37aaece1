import type { RequestRow } from '../../../../electron/shared/contract';
import { uncachedInput, type FactColumn } from '../../../../electron/shared/request-facts';
import type { z } from 'zod';
import { fmtNum } from './format';
import { CostText, tokenSplitText } from './TokenSplit';

export type Request = z.infer<typeof RequestRow>;
type NumberField = { [K in keyof Request]: Request[K] extends number | null ? K : never }[keyof Request];

export function what(r: Request): string {
  if (r.mcpServer) return `${r.mcpServer} · ${r.mcpTool || r.mcpMethod || 'MCP'}`;
  return r.spanType || r.name;
}

export const failed = (r: Request) => r.status === 'error' || r.mcpErrors > 0;

/** A failed request says where and why in its row, without hovering. */
export function failure(r: Request): string {
  return `Failed at ${r.failedSpan || r.name}${r.errorMessage ? `: ${r.errorMessage}` : ''}`;
}

/**
 * A text whose head names its kind or owner and whose tail names the thing: in a narrow column the
 * head gives way first, so "openai-main/gpt-4o-mini" reads "o…/gpt-4o-mini", not "openai-main/gpt-4o…"
 * (the title keeps it all). `at`: where the tail starts.
 */
export function HeadGivesWay({ text, at }: { text: string; at: (text: string) => number }) {
  const cut = Math.max(0, at(text));
  return (
    <span className="head-gives-way" title={text}>
      {cut > 0 ? <span className="gives-way">{text.slice(0, cut)}</span> : null}
      <span className="kept">{text.slice(cut)}</span>
    </span>
  );
}

/** A model's own name starts at the last slash before any fallback arrow (the slash stays with it, so a cut account still reads as one). */
export const modelNameAt = (text: string) => text.split(' → ')[0]!.lastIndexOf('/');

/** One fact's cell, by the column's format (shared/request-facts.ts REQUEST_FACT_COLUMNS). */
export function FactCell({ c, r, onConversation }: { c: FactColumn; r: Request; onConversation?: (id: string) => void }) {
  switch (c.format) {
    case 'ms': {
      const v = r[c.field as 'ttftMs'];
      return <>{v === null ? '—' : `${fmtNum(v)} ms`}</>;
    }
    case 'count':
      return <>{fmtNum(r[c.field as NumberField])}</>;
    case 'tokens':
      return <span title={tokenSplitText(r)}>{fmtNum(uncachedInput(r))}</span>;
    case 'cache': {
      const read = r.cacheReadTokens ?? 0;
      const write = r.cacheWriteTokens ?? 0;
      return (
        <span className="muted" title={read || write ? `${fmtNum(read)} tokens read from the cache, ${fmtNum(write)} written to it` : 'no cached tokens reported'}>
          {read || write ? `${fmtNum(read)}${write ? ` / ${fmtNum(write)}` : ''}` : '—'}
        </span>
      );
    }
    case 'output':
      return (
        <span title={tokenSplitText(r)}>
          {fmtNum(r.outputTokens)}
          {r.reasoningTokens ? <span className="muted small"> ({fmtNum(r.reasoningTokens)} r)</span> : null}
        </span>
      );
    case 'usd':
      return <CostText usd={r.costUsd} estimated={r.costEstimated} />;
    case 'conversation':
      return r.conversationId && onConversation ? (
        // A button, not a row click: the row opens the trace, this opens the conversation. Mouse only;
        // the keyboard reaches the conversation from the trace's panel.
        <button
          type="button"
          tabIndex={-1}
          className="linklike muted"
          title={`Open conversation ${r.conversationId}`}
          data-testid="conversation-link"
          onClick={(e) => {
            e.stopPropagation();
            onConversation(r.conversationId);
          }}
        >
          {r.conversationId}
        </button>
      ) : (
        <span className="muted">{r.conversationId || '—'}</span>
      );
    default: {
      const v = String(r[c.field] ?? '');
      return (
        <span className="muted" title={v || undefined}>
          {v || '—'}
        </span>
      );
    }
  }
}

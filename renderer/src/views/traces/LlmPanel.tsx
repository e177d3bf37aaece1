import { DIALECT_LABEL, type Dialect } from '../../../../electron/shared/request-facts';
import { usePricedRequests } from './use-prices';
import { CostText, TokenSplit } from './TokenSplit';
import { useMemo } from 'react';
import { rollupRequest } from '../../../../electron/shared/request-row';
import { useContractQuery } from '../../api/contract-query';
import { errorText } from '../setup/use-profiles';
import { ChatView } from './ChatView';
import { fmtCost, fmtNum, modelText } from './format';
import type { FullSpan } from './waterfall';

function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/**
 * The gateway's facts about the selected span: on the root, the whole request rolled up
 * (tokens and cost from its Model spans); on a Model span, that call; on an MCP span, the tool.
 * The full input and output are fetched when the panel opens, capped. `rollupSpans`: the trace's
 * spans a request's rollup reads (shared/trace-columns.ts rollupSpansOf), not all of them.
 */
export function LlmPanel({ span, rollupSpans, profileId }: { span: FullSpan; rollupSpans: FullSpan[]; profileId: string }) {
  const hasText = Boolean(span.llm.input || span.llm.output);
  // The same cache entry as the conversation's "show all" (use-span-payloads.ts): a span's payload does not change.
  const payload = useContractQuery('traces.payload', hasText ? { profileId, traceId: span.traceId, spanId: span.spanId, aroundMs: Math.floor(Number(BigInt(span.tsNs) / 1_000_000n)) } : null, { staleTime: Infinity });
  const loadError = payload.error ? errorText(payload.error) : null;

  const isRoot = span.parentSpanId === '';
  const folded = useMemo(() => (isRoot ? [rollupRequest(rollupSpans)] : []), [isRoot, rollupSpans]);
  const request = usePricedRequests(folded)[0] ?? null;
  const isModel = span.spanType === 'Model';
  const isMcp = span.spanType === 'MCP' || Boolean(span.mcpServer);
  if (!request && !isModel && !isMcp && !hasText && !span.model) return null;
  const full = payload.data ?? null;
  const toolOnly = request !== null && !request.model && request.calledModels.length === 0 && Boolean(request.mcpServer || request.mcpTool);
  return (
    <section className="llm" aria-label="LLM call" data-testid="llm-panel">
      <h3>{request ? `Request · ${toolOnly ? `${request.mcpServer || 'MCP'} · ${request.mcpTool || request.mcpMethod || 'tool'}` : request.spanType || request.name}` : isMcp ? 'MCP tool call' : isModel ? 'Model call' : 'LLM'}</h3>
      <dl className="stats">
        {request ? (
          <>
            {toolOnly ? (
              // A request that called an MCP tool and no model: the tool, not four dashes for a model it never had.
              <>
                <Stat label="Server">{request.mcpServer || '—'}</Stat>
                <Stat label="Tool">{request.mcpTool || '—'}</Stat>
                <Stat label="Method">{request.mcpMethod || '—'}</Stat>
                <Stat label="Tool errors">{request.mcpErrors > 0 ? <span className="error-text">{fmtNum(request.mcpErrors)}</span> : 'none'}</Stat>
              </>
            ) : (
              <>
                <Stat label="Model">{modelText(request.model, request.calledModels)}</Stat>
                <Stat label="Tokens">
                  <TokenSplit t={request} />
                </Stat>
                <Stat label="Cost">
                  <CostText usd={request.costUsd} estimated={request.costEstimated} />
                </Stat>
                <Stat label="Time to first token">{request.ttftMs === null ? '—' : `${fmtNum(request.ttftMs)} ms`}</Stat>
              </>
            )}
            <Stat label="User">{request.user || '—'}</Stat>
            {request.dialect ? <Stat label="Numbers from">{DIALECT_LABEL[request.dialect as Dialect] ?? request.dialect}</Stat> : null}
            {request.conversationId ? (
              <Stat label="Conversation">
                <a href={`#/explore/conversation/${encodeURIComponent(request.conversationId)}`} data-testid="open-conversation">
                  {request.conversationId}
                </a>
              </Stat>
            ) : null}
          </>
        ) : isMcp ? (
          <>
            <Stat label="Server">{span.mcpServer || '—'}</Stat>
            <Stat label="Tool">{span.mcpTool || '—'}</Stat>
            <Stat label="Method">{span.mcpMethod || '—'}</Stat>
            <Stat label="Tool error">{span.mcpError ? <span className="error-text">yes</span> : 'no'}</Stat>
          </>
        ) : (
          <>
            <Stat label="Model">{span.calledModel || span.model || '—'}</Stat>
            <Stat label="Tokens">
              <TokenSplit t={span} />
            </Stat>
            <Stat label="Cost">{fmtCost(span.costUsd)}</Stat>
            <Stat label="Time to first token">{span.ttftMs === null ? '—' : `${fmtNum(span.ttftMs)} ms`}</Stat>
          </>
        )}
      </dl>
      {request?.guardrails.length ? (
        <p className="small">
          Guardrails:{' '}
          {request.guardrails.map((g, i) => (
            <span key={i} className={`chip ${g.result === 'pass' ? '' : 'warn'}`}>
              {g.name || 'guardrail'}: {g.result || '?'}
            </span>
          ))}
        </p>
      ) : null}
      {request && request.status === 'error' ? (
        <p className="error-text" data-testid="failed-hop">
          Failed at {request.failedSpan || 'an unknown span'}
          {request.errorMessage ? `: ${request.errorMessage}` : '.'}
        </p>
      ) : span.llm.errorMessage ? (
        <p className="error-text">{span.llm.errorMessage}</p>
      ) : null}
      {loadError ? <p className="error-text small">The full input and output could not be loaded: {loadError}</p> : null}
      {hasText && !full && !loadError ? <p className="muted small">Loading the full input and output…</p> : null}
      {(full?.input ?? span.llm.input) ? <ChatView label="Input" text={full?.input ?? span.llm.input} bytes={full?.inputBytes} capBytes={full?.capBytes} /> : null}
      {(full?.output ?? span.llm.output) ? <ChatView label="Output" text={full?.output ?? span.llm.output} bytes={full?.outputBytes} capBytes={full?.capBytes} /> : null}
    </section>
  );
}

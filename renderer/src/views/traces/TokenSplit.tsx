import { uncachedInput } from '../../../../electron/shared/request-facts';
import { fmtCost, fmtNum } from './format';
import { useCatalogName } from './use-prices';

export interface Tokens {
  inputTokens: number | null;
  cacheReadTokens: number | null;
  cacheWriteTokens: number | null;
  outputTokens: number | null;
  reasoningTokens: number | null;
}

/** The split in words, for a tooltip or a screen reader. */
export function tokenSplitText(t: Tokens): string {
  if (t.inputTokens === null && t.outputTokens === null) return 'no tokens reported';
  const parts = [`${fmtNum(uncachedInput(t))} input uncached`];
  if (t.cacheReadTokens) parts.push(`${fmtNum(t.cacheReadTokens)} cache read`);
  if (t.cacheWriteTokens) parts.push(`${fmtNum(t.cacheWriteTokens)} cache write`);
  parts.push(`${fmtNum(t.outputTokens)} output`);
  if (t.reasoningTokens) parts.push(`(${fmtNum(t.reasoningTokens)} of it reasoning)`);
  return parts.join(' · ');
}

/** "1,200 in · 300 cached · 80 out (7 reasoning)": every part of the split that is there. */
export function TokenSplit({ t }: { t: Tokens }) {
  if (t.inputTokens === null && t.outputTokens === null) return <span className="muted">—</span>;
  const cached = (t.cacheReadTokens ?? 0) + (t.cacheWriteTokens ?? 0);
  return (
    <span title={tokenSplitText(t)} data-testid="token-split">
      {fmtNum(uncachedInput(t))} in
      {cached ? (
        <span className="muted">
          {' · '}
          {t.cacheReadTokens ? `${fmtNum(t.cacheReadTokens)} cache read` : ''}
          {t.cacheReadTokens && t.cacheWriteTokens ? ' / ' : ''}
          {t.cacheWriteTokens ? `${fmtNum(t.cacheWriteTokens)} cache write` : ''}
        </span>
      ) : null}
      {' · '}
      {fmtNum(t.outputTokens)} out
      {t.reasoningTokens ? <span className="muted"> ({fmtNum(t.reasoningTokens)} reasoning)</span> : null}
    </span>
  );
}

/** A cost, marked ≈ with the catalog named when (part of) it is the catalog's estimate. */
export function CostText({ usd, estimated, estimatedUsd }: { usd: number | null; estimated?: boolean; estimatedUsd?: number }) {
  const catalog = useCatalogName();
  const part = estimatedUsd !== undefined && estimatedUsd > 0 && usd !== null && estimatedUsd < usd - 1e-12;
  if (!estimated && !(estimatedUsd && estimatedUsd > 0)) return <span>{fmtCost(usd)}</span>;
  const why = part ? `${fmtCost(estimatedUsd ?? 0)} of ${fmtCost(usd)} is estimated from token counts with ${catalog}: no span reported those requests' cost.` : `Estimated from the token counts with ${catalog}: no span reported a cost.`;
  return (
    <span className="estimated" title={why} data-testid="cost-estimated">
      <span aria-hidden="true">≈</span>
      {fmtCost(usd)}
      <span className="sr-only">{part ? ` (${fmtCost(estimatedUsd ?? 0)} of it estimated with ${catalog})` : ` (estimated with ${catalog})`}</span>
    </span>
  );
}

import { rollupRequest } from '../../../../electron/shared/request-row';
import type { Span } from '../traces/format';
import type { Request } from '../traces/RequestTable';

/**
 * Spans folded into requests as they land, the most recently updated first: a streaming
 * call's root that arrives minutes after its Model span moves its row back to the top.
 */
export function foldRequests(spans: Span[]): Request[] {
  const byTrace = new Map<string, Span[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list) list.push(s);
    else byTrace.set(s.traceId, [s]);
  }
  // Map order is first-seen order, and `spans` is newest arrival first.
  return [...byTrace.values()].map(rollupRequest);
}

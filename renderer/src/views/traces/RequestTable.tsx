import { REQUEST_FACT_COLUMNS, type FactColumn } from '../../../../electron/shared/request-facts';
import { DataGrid } from '../../components/DataGrid';
import type { GridColumn } from '../../components/fit-columns';
import { formatDuration, formatTime, modelText } from './format';
import { failed, FactCell, HeadGivesWay, modelNameAt, what, type Request } from './request-cells';

export type { Request } from './request-cells';

/** Each format's width in the grid (and the least it needs): a new fact column needs no stylesheet change. */
const WIDTH: Record<FactColumn['format'], [string, number]> = {
  text: ['minmax(70px, 1fr)', 70],
  count: ['56px', 56],
  ms: ['58px', 58],
  tokens: ['52px', 52],
  cache: ['62px', 62],
  output: ['62px', 62],
  usd: ['74px', 74],
  conversation: ['minmax(96px, 1fr)', 96],
};

function Status({ r }: { r: Request }) {
  const bad = failed(r);
  return <span className={`status-${bad ? 'error' : r.status}`}>{bad ? (r.mcpErrors && r.status !== 'error' ? 'tool error' : 'error') : r.hasRoot ? r.status : 'arriving'}</span>;
}

function What({ r }: { r: Request }) {
  // A failed row says where and why in place of the request's type (the tooltip keeps both).
  // Each part cut with an ellipsis where the column is narrow, and named in full on hover (an MCP tool's name runs long).
  const name = failed(r) ? r.failedSpan || what(r) : what(r);
  return failed(r) ? (
    <span className="request-what" data-testid="row-error">
      <span className="strong" title={name}>
        {name}
      </span>
      <span className="row-error" title={r.errorMessage || undefined}>
        {r.errorMessage || (r.mcpErrors ? 'the tool failed' : 'failed')}
      </span>
    </span>
  ) : (
    <span className="request-what">
      <span className="strong" title={name} data-testid="request-what">
        {name}
      </span>
    </span>
  );
}

/** The table's own columns, then the fact columns of shared/request-facts.ts, each with its priority. */
export function requestColumns(onConversation?: (id: string) => void): GridColumn<Request>[] {
  return [
    { id: 'time', label: 'Time', width: '92px', minPx: 92, priority: 0, cell: (r) => formatTime(r.ts) },
    { id: 'what', label: 'Request', width: 'minmax(120px, 2fr)', minPx: 120, priority: 0, cell: (r) => <What r={r} /> },
    { id: 'model', label: 'Model', width: 'minmax(110px, 1.6fr)', minPx: 110, priority: 1, cell: (r) => <HeadGivesWay text={modelText(r.model, r.calledModels)} at={modelNameAt} /> },
    { id: 'status', label: 'Status', width: '58px', minPx: 58, priority: 0, cell: (r) => <Status r={r} /> },
    { id: 'duration', label: 'Duration', width: '66px', minPx: 66, priority: 2, cell: (r) => formatDuration(r.durationNs) },
    ...REQUEST_FACT_COLUMNS.map((c) => ({ id: c.field, label: c.label, width: WIDTH[c.format][0], minPx: WIDTH[c.format][1], priority: c.priority, cell: (r: Request) => <FactCell c={c} r={r} onConversation={onConversation} /> })),
  ];
}

export const requestKey = (r: Request) => r.traceId;

/** One row per request (a gateway trace's root with its spans rolled up); Enter or a click opens the trace. */
export function RequestTable({ requests, height, label, activeKey, openKey, onActive, onOpen, onConversation, onNearEnd, follow = false }: { requests: Request[]; height: number; label: string; activeKey: string | null; openKey?: string | null; onActive: (r: Request) => void; onOpen: (r: Request) => void; onConversation?: (id: string) => void; onNearEnd?: () => void; follow?: boolean }) {
  return (
    <DataGrid
      rows={requests}
      rowKey={requestKey}
      columns={requestColumns(onConversation)}
      label={label}
      height={height}
      activeKey={activeKey}
      openKey={openKey}
      onActive={onActive}
      onOpen={onOpen}
      onNearEnd={onNearEnd}
      follow={follow}
      className="request-table"
      rowClass={(r) => `${failed(r) ? 'is-error' : ''} ${r.hasRoot ? '' : 'is-partial'}`}
      rowTitle={(r) => `${failed(r) ? `${what(r)} · Failed at ${r.failedSpan || r.name}${r.errorMessage ? `: ${r.errorMessage}` : ''}` : `Open trace ${r.traceId}`}${r.hasRoot ? '' : ' · Only some of its spans are here: its root has not arrived, or the filter left it out'}`}
      rowTestId="request-row"
    />
  );
}

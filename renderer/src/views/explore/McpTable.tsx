import { fmtNum } from '../traces/format';
import { Drill, fmtMs, pct, q, inWhat, type Summary } from './summary-bits';

/** Per MCP server and tool: calls, errors and latency. */
export function McpTable({ summary, onSearch }: { summary: Summary; onSearch: (q: string) => void }) {
  if (!summary.mcp.length) return <p className="muted">No MCP tool calls {inWhat(summary)}.</p>;
  return (
    <div className="table-scroll">
      <table className="history" aria-label="MCP servers and tools" data-testid="mcp-table">
        <thead>
          <tr>
            {['Server', 'Tool', 'Calls', 'Errors', 'p50', 'p95'].map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {summary.mcp.map((r) => {
            const tool = `mcp:${q(r.server)} tool:${q(r.tool)}`;
            return (
              <tr key={`${r.server}/${r.tool}`}>
                <td>
                  <Drill query={`mcp:${q(r.server)}`} onSearch={onSearch} label={r.server}>
                    {r.server || '—'}
                  </Drill>
                </td>
                <td>
                  <Drill query={tool} onSearch={onSearch} label={r.tool}>
                    {r.tool || '—'}
                  </Drill>
                </td>
                <td>
                  <Drill query={tool} onSearch={onSearch} label="calls">
                    {fmtNum(r.calls)}
                  </Drill>
                </td>
                <td className={r.errors > 0 ? 'error-text' : ''}>
                  {fmtNum(r.errors)} ({pct(r.errors, r.calls)})
                </td>
                <td>{fmtMs(r.p50Ms)}</td>
                <td>{fmtMs(r.p95Ms)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

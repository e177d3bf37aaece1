/** `clickstack-tray tail`: gateway spans as lines, as they reach ClickHouse, through the app's own TraceService. */
import { Command } from 'commander';
import { closeAllClients } from '../core/clickhouse/clickhouse-clients.js';
import { TraceService } from '../core/traces/trace-service.js';
import type { SpanRow } from '../shared/span-row.js';
import { resolveCliTarget, type CliTargetOptions } from './cli-target.js';

function line(s: SpanRow): string {
  const ms = (Number(s.durationNs) / 1e6).toFixed(1);
  const llm = [s.model && `model=${s.model}`, s.inputTokens !== null && `in=${s.inputTokens}`, s.outputTokens !== null && `out=${s.outputTokens}`, s.ttftMs !== null && `ttft=${s.ttftMs}ms`, s.costUsd !== null && `cost=$${s.costUsd}`].filter(Boolean).join(' ');
  return `${s.ts.slice(0, 23)}  ${s.status === 'error' ? 'ERROR' : s.status.padEnd(5)}  ${ms.padStart(9)} ms  ${s.service}  ${s.name}  ${llm}  trace=${s.traceId}`;
}

const CLI_PROFILE = 'cli';

export function tailCommand(): Command {
  return new Command('tail')
    .description('Stream gateway spans as lines as they arrive in ClickHouse (each span once). Ctrl-C stops.')
    .option('--profile <name>', 'profile name or id (default: the active profile)')
    .option('--filter <query>', 'search filter, e.g. \'status:error OR duration:>5s\'')
    .option('--all-services', 'every service, not only the gateway’s')
    .option('--json', 'one JSON object per span')
    .action(async (opts: CliTargetOptions & { filter?: string; allServices?: boolean; json?: boolean }) => {
      const resolved = await resolveCliTarget(opts);
      const traces = new TraceService(async () => resolved.target, (_id, db) => resolved.onDatabase?.(db));
      const print = (spans: SpanRow[]) => {
        for (const s of spans) process.stdout.write((opts.json ? JSON.stringify(s) : line(s)) + '\n');
      };
      let started: Awaited<ReturnType<TraceService['startTail']>>;
      try {
        started = await traces.startTail(CLI_PROFILE, opts.filter ?? '', opts.allServices ?? false);
      } catch (error) {
        await resolved.close();
        throw new Error(error instanceof Error ? error.message.replace(/^Search: /, '--filter: ') : String(error), { cause: error });
      }
      process.stderr.write(`tail: ${started.strategy.detail}\n`);
      // Oldest first in a terminal, so the newest line is the last one.
      print([...started.spans].reverse());
      traces.onBatch((b) => print(b.spans));
      // One line when ClickHouse stops answering and one when it is back, not one per poll.
      traces.onState((s) => process.stderr.write(`tail: ${s.live ? 'reading from ClickHouse again; nothing written meanwhile is missed' : s.detail}\n`));
      const stop = () => {
        traces.stopAll();
        void closeAllClients()
          .then(() => resolved.close())
          .then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}

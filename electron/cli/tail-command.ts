/** `clickstack-tray tail`: gateway spans as lines, as they reach ClickHouse. */
import { Command } from 'commander';
import { checkClickHouse } from '../core/setup/clickhouse-check.js';
import { parseSearch, SearchSyntaxError } from '../core/traces/search-query.js';
import { compileSearch, SqlParams } from '../core/traces/search-sql.js';
import type { SpanRow } from '../core/traces/span-row.js';
import { SpanTail } from '../core/traces/span-tail.js';
import { TAIL_POLL_MS, tailTrouble } from '../core/traces/trace-service.js';
import { resolveCliTarget, type CliTargetOptions } from './cli-target.js';

function line(s: SpanRow): string {
  const ms = (Number(s.durationNs) / 1e6).toFixed(1);
  const llm = [s.model && `model=${s.model}`, s.inputTokens !== null && `in=${s.inputTokens}`, s.outputTokens !== null && `out=${s.outputTokens}`, s.ttftMs !== null && `ttft=${s.ttftMs}ms`, s.costUsd !== null && `cost=$${s.costUsd}`].filter(Boolean).join(' ');
  return `${s.ts.slice(0, 23)}  ${s.status === 'error' ? 'ERROR' : s.status.padEnd(5)}  ${ms.padStart(9)} ms  ${s.service}  ${s.name}  ${llm}  trace=${s.traceId}`;
}

export function tailCommand(): Command {
  return new Command('tail')
    .description('Stream gateway spans as lines as they arrive in ClickHouse (each span once). Ctrl-C stops.')
    .option('--profile <name>', 'profile name or id (default: the active profile)')
    .option('--filter <query>', 'search filter, e.g. \'status:error OR duration:>5s\'')
    .option('--all-services', 'every service, not only the gateway’s')
    .option('--json', 'one JSON object per span')
    .action(async (opts: CliTargetOptions & { filter?: string; allServices?: boolean; json?: boolean }) => {
      const resolved = await resolveCliTarget(opts);
      const t = resolved.target;
      const params = new SqlParams();
      const where: string[] = [];
      if (!opts.allServices) where.push(`ServiceName = ${params.add('String', t.serviceName)}`);
      try {
        const tree = parseSearch(opts.filter ?? '');
        if (tree) where.push(compileSearch(tree, params));
      } catch (error) {
        if (error instanceof SearchSyntaxError) throw new Error(`--filter: ${error.message} (at character ${error.position + 1})`, { cause: error });
        throw error;
      }
      let database = t.database;
      if (!database) {
        const found = await checkClickHouse({ url: t.clickhouseUrl, user: t.clickhouseUser, password: t.password });
        if (!found.database) throw new Error(found.result.summary);
        database = found.database;
      }
      const tail = new SpanTail({ url: t.clickhouseUrl, user: t.clickhouseUser, password: t.password, database }, { where: where.join(' AND ') || undefined, params });
      const print = (spans: SpanRow[]) => {
        for (const s of spans) process.stdout.write((opts.json ? JSON.stringify(s) : line(s)) + '\n');
      };
      // Oldest first in a terminal, so the newest line is the last one.
      print([...(await tail.start()).spans].reverse());
      let stopping = false;
      const stop = () => {
        stopping = true;
        void tail.close().then(() => resolved.close()).then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      // One line when ClickHouse stops answering and one when it is back, not one per poll.
      let failing = false;
      while (!stopping) {
        await new Promise((r) => setTimeout(r, TAIL_POLL_MS));
        if (stopping) break;
        try {
          const { spans } = await tail.poll();
          if (failing) process.stderr.write('tail: reading from ClickHouse again; nothing written meanwhile is missed\n');
          failing = false;
          print(spans);
        } catch (error) {
          if (!failing) process.stderr.write(`tail: ${tailTrouble(error, t.clickhouseUrl)}\n`);
          failing = true;
        }
      }
    });
}

/**
 * `clickstack-tray alerts`: evaluates the profile's alert rules once, with the app's own
 * evaluation (one query), prints each rule's figures and exits 1 when any fires — for cron and
 * CI. One evaluation cannot see how long a condition has held, so a rule fires here as soon as
 * its condition holds (the app waits for the rule's minimum duration).
 */
import { Command } from 'commander';
import { AlertService } from '../core/alerts/alert-service.js';
import { describe } from '../core/alerts/alert-math.js';
import { closeAllClients } from '../core/clickhouse/clickhouse-clients.js';
import { IncidentNotifier } from '../core/health/incident-notifier.js';
import { TraceService } from '../core/traces/trace-service.js';
import { PriceCatalog } from '../core/semantics/price-catalog.js';
import { defaultAlertRules, formatMetric, type AlertRule, type AlertStatus } from '../shared/alert-rules.js';
import { resolveCliTarget, type CliTargetOptions } from './cli-target.js';

const CLI_PROFILE = 'cli';
/** Exit codes: 0 nothing fires, 1 a rule fires; a failure to evaluate exits 2. */
export const ALERTS_FIRING_EXIT = 1;
export const ALERTS_FAILED_EXIT = 2;

function lines(status: AlertStatus, rules: AlertRule[]): string[] {
  const out: string[] = [];
  for (const r of status.rules) {
    const rule = rules.find((x) => x.id === r.ruleId)!;
    const firing = r.scopes.filter((s) => s.firing);
    for (const s of firing) out.push(`FIRING  ${r.name}: ${describe(rule, s)}`);
    if (firing.length === 0) {
      const judged = r.scopes.filter((s) => !s.note);
      const worst = judged[0];
      const what = worst ? `${worst.scope || 'all traffic'} at ${formatMetric(r.metric, worst.value)}${worst.threshold !== null ? ` (threshold ${formatMetric(r.metric, worst.threshold)})` : ''}` : r.scopes[0]?.note || 'no traffic in the window';
      out.push(`ok      ${r.name} — ${r.summary}; ${judged.length > 1 ? `${judged.length} scopes, highest ` : ''}${what}`);
    }
  }
  return out;
}

export function alertsCommand(): Command {
  return new Command('alerts')
    .description('Evaluate the profile’s alert rules once; exit 1 when any fires (for cron and CI), 2 when they cannot be evaluated.')
    .option('--profile <name>', 'profile name or id (default: the active profile, or CLICKHOUSE_ENDPOINT with the default rules)')
    .option('--json', 'one JSON object: the evaluation, every rule and scope with its value and threshold')
    .action(async (opts: CliTargetOptions & { json?: boolean }) => {
      const resolved = await resolveCliTarget(opts);
      const rules = (resolved.alertRules ?? defaultAlertRules()).map((r) => ({ ...r, forMinutes: 0 }));
      const traces = new TraceService(async () => resolved.target, (_id, db) => resolved.onDatabase?.(db));
      const alerts = new AlertService({
        profiles: async () => [{ id: CLI_PROFILE, name: resolved.label, pollIntervalSeconds: 60 }],
        rules: () => rules,
        target: () => traces.target(CLI_PROFILE),
        notifier: new IncidentNotifier(() => undefined),
        // Unpriced requests are estimated as in the app: with the profile's per-model prices, or the catalog alone.
        priceOf: resolved.priceOf ?? new PriceCatalog(() => []).priceOf,
        // A cron job asks about traffic, whatever the collector's health checks would say.
        ingestion: () => ({ fine: true, state: 'Healthy' }),
      });
      let status: AlertStatus;
      try {
        status = await alerts.evaluate(CLI_PROFILE);
      } finally {
        await closeAllClients();
        await resolved.close();
      }
      if (status.error) {
        if (opts.json) process.stdout.write(JSON.stringify({ error: status.error }) + '\n');
        else process.stderr.write(`clickstack-tray: the alert rules could not be evaluated: ${status.error}\n`);
        process.exit(ALERTS_FAILED_EXIT);
      }
      const enabled = rules.filter((r) => r.enabled);
      if (opts.json) {
        const firing = status.rules.flatMap((r) => r.scopes.filter((s) => s.firing).map((s) => ({ ruleId: r.ruleId, name: r.name, scope: s.scope, reason: describe(enabled.find((x) => x.id === r.ruleId)!, s) })));
        process.stdout.write(JSON.stringify({ target: resolved.label, evaluatedAt: status.evaluatedAt, firing, rules: status.rules, rowsRead: status.rowsRead, elapsedMs: status.elapsedMs }) + '\n');
      } else {
        process.stdout.write(`${resolved.label}: ${enabled.length} rule${enabled.length === 1 ? '' : 's'} evaluated, ${status.firing} firing (read ${status.rowsRead.toLocaleString('en-US')} rows in ${status.elapsedMs} ms)\n`);
        for (const l of lines(status, enabled)) process.stdout.write(l + '\n');
      }
      process.exit(status.firing > 0 ? ALERTS_FIRING_EXIT : 0);
    });
}

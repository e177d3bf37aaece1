/**
 * Alert rules: a metric over a window of the gateway's requests, compared with a threshold
 * (absolute, or relative to the same metric over the previous 24 h), scoped to everything or
 * to one model, user, team or MCP server (or to each of them separately). The schemas are
 * shared by the contract, the settings file and the renderer; no attribute key lives here.
 */
import { z } from 'zod';

export const ALERT_METRICS = ['errorRate', 'p95LatencyMs', 'p95TtftMs', 'costUsd', 'tokens', 'requestsPerMinute', 'mcpToolErrorRate'] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];

export const ALERT_SCOPE_KINDS = ['all', 'model', 'user', 'team', 'mcpServer'] as const;
export type AlertScopeKind = (typeof ALERT_SCOPE_KINDS)[number];

export const METRIC_LABEL: Record<AlertMetric, string> = {
  errorRate: 'Error rate',
  p95LatencyMs: 'p95 latency',
  p95TtftMs: 'p95 time to first token',
  costUsd: 'Cost',
  tokens: 'Tokens',
  requestsPerMinute: 'Requests per minute',
  mcpToolErrorRate: 'MCP tool error rate',
};

export const SCOPE_LABEL: Record<AlertScopeKind, string> = { all: 'All traffic', model: 'Model', user: 'User', team: 'Team', mcpServer: 'MCP server' };

/** A floor rule fires when the metric drops below its threshold; every other rule when it rises above. */
export function isFloor(metric: AlertMetric): boolean {
  return metric === 'requestsPerMinute';
}

/** Metrics that are sums over the window (a relative threshold compares them per the same length of time). */
export function isSum(metric: AlertMetric): boolean {
  return metric === 'costUsd' || metric === 'tokens' || metric === 'requestsPerMinute';
}

export function isRate(metric: AlertMetric): boolean {
  return metric === 'errorRate' || metric === 'mcpToolErrorRate';
}

/** Whose values a metric is read from: a model's, a user's… `value: null` means each of them separately. */
export const AlertScope = z
  .object({
    kind: z.enum(ALERT_SCOPE_KINDS),
    value: z.string().trim().min(1, 'name the model, user, team or MCP server, or leave it empty for each').max(300).nullable().default(null),
  })
  .strict();
export type AlertScope = z.infer<typeof AlertScope>;

export const AlertThreshold = z.discriminatedUnion('kind', [
  /** A fixed value in the metric's unit (a fraction for rates, ms, USD, tokens, requests per minute); null: not set yet. */
  z.object({ kind: z.literal('absolute'), value: z.number().finite().nonnegative('a threshold cannot be negative').nullable() }).strict(),
  /** This many times the same metric over the previous 24 h ("2× yesterday's"). */
  z.object({ kind: z.literal('relative'), factor: z.number().finite().min(0.01, 'a factor is at least 0.01').max(1000, 'a factor is at most 1000') }).strict(),
]);
export type AlertThreshold = z.infer<typeof AlertThreshold>;

export const ALERT_RULE_LIMIT = 40;
/** The previous 24 h a relative threshold compares with. */
export const BASELINE_MS = 24 * 3600_000;

export const AlertRule = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,64}$/, 'a rule id has lowercase letters, digits and -'),
    name: z.string().trim().min(1, 'a rule needs a name').max(80, 'keep the name under 80 characters'),
    enabled: z.boolean(),
    metric: z.enum(ALERT_METRICS),
    scope: AlertScope,
    windowMinutes: z.number().int('the window is whole minutes').min(1, 'the window is at least 1 minute').max(1440, 'the window is at most 1440 minutes (a day)'),
    threshold: AlertThreshold,
    /** Fewer requests than this in the window (per scope) decide nothing: five requests are no error rate. */
    minRequests: z.number().int('a whole number of requests').min(0).max(1_000_000).default(0),
    /** How long the condition must hold before an incident starts, and its clearing before it ends. */
    forMinutes: z.number().int().min(0).max(120).default(1),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.enabled && r.threshold.kind === 'absolute' && r.threshold.value === null) ctx.addIssue({ code: 'custom', path: ['threshold', 'value'], message: 'set an amount to turn this rule on' });
    if (isRate(r.metric) && r.threshold.kind === 'absolute' && r.threshold.value !== null && r.threshold.value > 1) ctx.addIssue({ code: 'custom', path: ['threshold', 'value'], message: 'a rate is between 0 and 100 %' });
    if (r.metric === 'mcpToolErrorRate' && r.scope.kind !== 'all' && r.scope.kind !== 'mcpServer') ctx.addIssue({ code: 'custom', path: ['scope', 'kind'], message: 'an MCP tool error rate is scoped to all traffic or an MCP server' });
  });
export type AlertRule = z.infer<typeof AlertRule>;

export const AlertRules = z
  .array(AlertRule)
  .max(ALERT_RULE_LIMIT, `at most ${ALERT_RULE_LIMIT} rules per profile`)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `two rules have the id ${r.id}` });
      seen.add(r.id);
    });
  });

/**
 * Every profile starts with these: a model failing or slowing down is covered without setup;
 * the budgets are off until the user sets an amount.
 */
export function defaultAlertRules(): AlertRule[] {
  return [
    { id: 'model-errors', name: 'Model error rate', enabled: true, metric: 'errorRate', scope: { kind: 'model', value: null }, windowMinutes: 5, threshold: { kind: 'absolute', value: 0.2 }, minRequests: 20, forMinutes: 1 },
    { id: 'model-latency', name: 'Model latency vs yesterday', enabled: true, metric: 'p95LatencyMs', scope: { kind: 'model', value: null }, windowMinutes: 15, threshold: { kind: 'relative', factor: 2 }, minRequests: 50, forMinutes: 1 },
    { id: 'budget-hour', name: 'Cost per hour', enabled: false, metric: 'costUsd', scope: { kind: 'all', value: null }, windowMinutes: 60, threshold: { kind: 'absolute', value: null }, minRequests: 0, forMinutes: 0 },
    { id: 'budget-day', name: 'Cost per day', enabled: false, metric: 'costUsd', scope: { kind: 'all', value: null }, windowMinutes: 1440, threshold: { kind: 'absolute', value: null }, minRequests: 0, forMinutes: 0 },
  ];
}

/** A metric's value as people read it: 70 %, 1.2 s, $3.40, 12,000 tokens, 4.5/min. */
export function formatMetric(metric: AlertMetric, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  switch (metric) {
    case 'errorRate':
    case 'mcpToolErrorRate':
      return `${Math.round(value * 1000) / 10} %`;
    case 'p95LatencyMs':
    case 'p95TtftMs':
      return value >= 1000 ? `${(value / 1000).toFixed(value >= 10_000 ? 0 : 1)} s` : `${Math.round(value)} ms`;
    case 'costUsd':
      return `$${value >= 100 ? value.toFixed(0) : value.toFixed(2)}`;
    case 'tokens':
      return `${Math.round(value).toLocaleString('en-US')} tokens`;
    case 'requestsPerMinute':
      return `${Math.round(value * 10) / 10}/min`;
  }
}

/** "over 5 min", "over an hour", "over a day": a rule's window after "over" (windowText reads after "in the last"). */
export function overWindowText(minutes: number): string {
  if (minutes === 60) return 'over an hour';
  if (minutes === 1440) return 'over a day';
  return `over ${windowText(minutes)}`;
}

export function windowText(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? 'day' : `${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? 'hour' : `${minutes / 60} h`;
  return `${minutes} min`;
}

/** "above 20 %", "above 2× the previous 24 h", "below 1/min". */
export function thresholdText(rule: Pick<AlertRule, 'metric' | 'threshold'>): string {
  const dir = isFloor(rule.metric) ? 'below' : 'above';
  if (rule.threshold.kind === 'relative') return `${dir} ${rule.threshold.factor}× the previous 24 h`;
  return rule.threshold.value === null ? 'with no amount set' : `${dir} ${formatMetric(rule.metric, rule.threshold.value)}`;
}

/** What one rule says for one scope at one evaluation. */
export const AlertScopeValue = z.object({
  /** The model, user, team or server ('' for all traffic). */
  scope: z.string(),
  value: z.number().nullable(),
  /** The threshold in the metric's unit (a relative one resolved against the baseline); null when it cannot be judged. */
  threshold: z.number().nullable(),
  baseline: z.number().nullable(),
  requests: z.number().int(),
  /** The most common error among the failed requests, when the metric is an error rate. */
  topError: z.string().max(300),
  firing: z.boolean(),
  /** The condition holds but not yet for the rule's minimum duration, or it is clearing. */
  pending: z.boolean(),
  /** Why it cannot be judged (too few requests, no baseline), or ''. */
  note: z.string().max(200),
});
export type AlertScopeValue = z.infer<typeof AlertScopeValue>;

export const AlertRuleStatus = z.object({
  ruleId: z.string(),
  name: z.string(),
  metric: z.enum(ALERT_METRICS),
  enabled: z.boolean(),
  summary: z.string(),
  scopes: z.array(AlertScopeValue).max(200),
});

export const AlertStatus = z.object({
  profileId: z.string(),
  profileName: z.string(),
  evaluatedAt: z.number().int().nullable(),
  /** Why the last evaluation failed, or null. */
  error: z.string().nullable(),
  rules: z.array(AlertRuleStatus),
  firing: z.number().int(),
  rowsRead: z.number().int(),
  elapsedMs: z.number().int(),
});
export type AlertStatus = z.infer<typeof AlertStatus>;

/** The search Explore opens for an alert's requests. */
export const ExploreSearch = z.object({ query: z.string().max(2000), fromMs: z.number().int().nonnegative(), toMs: z.number().int().nonnegative() });
export type ExploreSearch = z.infer<typeof ExploreSearch>;

export const AlertPreview = z.object({
  fires: z.number().int(),
  /** The incidents' starts, newest last. */
  starts: z.array(z.number().int()).max(500),
  stepMinutes: z.number().int(),
  detail: z.string(),
  rowsRead: z.number().int(),
});

/** The Explore hash route for a search: `#/explore/?q=…&from=…&to=…` (the view reads it when it opens). */
export function exploreHref(s: ExploreSearch): string {
  const p = new URLSearchParams({ q: s.query, from: String(s.fromMs), to: String(s.toMs) });
  return `#/explore/?${p.toString()}`;
}

/** The search in an Explore hash, or null. */
export function exploreSearchFromHash(hash: string): ExploreSearch | null {
  const m = /^#\/explore\/\?(.*)$/.exec(hash);
  if (!m) return null;
  const p = new URLSearchParams(m[1]);
  const parsed = ExploreSearch.safeParse({ query: p.get('q') ?? '', fromMs: Number(p.get('from')), toMs: Number(p.get('to')) });
  return parsed.success ? parsed.data : null;
}

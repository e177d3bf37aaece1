/**
 * Alert rules on gateway traffic in a real sandbox, evaluated at moving times (a fake clock; the
 * spans carry recent timestamps): a model failing 70 % of its calls with 429s for two minutes
 * and then recovering raises exactly one incident with one notification at its start and one at
 * its end, other models none, and the rate hovering at the threshold on the way down does not
 * split it; a relative latency rule fires on a step, not on the usual spread; a cost rule fires
 * when the hour's cost passes the amount. Each figure is checked against plain SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertService } from '../../electron/core/alerts/alert-service.js';
import type { PriceOf } from '../../electron/core/alerts/alert-query.js';
import { hexId } from '../support/otlp-http.js';
import { IncidentNotifier } from '../../electron/core/health/incident-notifier.js';
import { defaultAlertRules, type AlertRule, type AlertStatus } from '../../electron/shared/alert-rules.js';
import type { PipelineNotification } from '../../electron/shared/pipeline-status.js';
import { gatewayRequest, otlpBody, seeded, type GenRequest } from '../support/gateway-traffic.js';
import { FakeClock } from '../support/fake-clock.js';
import { postOtlp, selectRows } from '../support/otlp-http.js';
import { sandboxLocation, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const MIN = 60_000;
const SONNET = 'anthropic-main/claude-sonnet-4';
const GPT4O = 'openai-main/gpt-4o';
const MINI = 'openai-main/gpt-4o-mini';
const MODEL_INDEX: Record<string, number> = { [GPT4O]: 0, [MINI]: 1, [SONNET]: 2 };

let sandbox: TestSandbox;

async function send(requests: GenRequest[], service: string): Promise<void> {
  for (let i = 0; i < requests.length; i += 200) {
    const r = await postOtlp(sandbox.otlp, otlpBody(requests.slice(i, i + 200), service));
    expect([r.status, r.text]).toEqual([200, '{"partialSuccess":{}}']);
  }
}

function service(name: string, rules: AlertRule[], clock: FakeClock, ingestionFine = true, priceOf?: PriceOf) {
  const notes: PipelineNotification[] = [];
  const notifier = new IncidentNotifier((n) => notes.push(n));
  const alerts = new AlertService({
    profiles: async () => [{ id: name, name, pollIntervalSeconds: 30 }],
    rules: () => rules,
    target: async () => ({ ...sandboxLocation(sandbox), serviceName: name }),
    notifier,
    ingestion: () => (ingestionFine ? { fine: true, state: 'Healthy' } : { fine: false, state: 'Stalled' }),
    clock,
    priceOf,
  });
  return { alerts, notifier, notes };
}

/** Requests of a root in (fromMs, toMs] for a model, counted in plain SQL over the root spans. */
async function rootCounts(svc: string, model: string, fromMs: number, toMs: number) {
  const [row] = await selectRows<{ n: number | string; e: number | string }>(
    sandbox.clickhouse,
    `SELECT count() AS n, countIf(StatusCode = 'Error') AS e FROM default.otel_traces
     WHERE ServiceName = {s:String} AND ParentSpanId = '' AND SpanAttributes['tfy.request.model_name'] = {m:String}
       AND Timestamp > fromUnixTimestamp64Milli({f:Int64}) AND Timestamp <= fromUnixTimestamp64Milli({t:Int64})`,
    { s: svc, m: model, f: fromMs, t: toMs },
  );
  return { requests: Number(row!.n), errors: Number(row!.e) };
}

beforeAll(async () => {
  sandbox = await startTestSandbox();
}, 90_000);
afterAll(async () => {
  await sandbox?.dispose();
});

describe('a model failing with 429s for two minutes, then recovering', () => {
  const SVC = 'gw-burst';
  const T = Math.floor((Date.now() - 40 * MIN) / MIN) * MIN;
  /** Failed calls per minute (of 20) for the failing model, from T: 70 % for two minutes, then hovering at 15–25 %, then none. */
  const sonnetErrors = (m: number) => (m < 0 ? null : m < 2 ? 14 : m < 10 ? (m % 2 === 0 ? 3 : 5) : 0);
  const clock = new FakeClock(T - 2 * MIN);
  const { alerts, notifier, notes } = service(SVC, defaultAlertRules(), clock);
  const statuses: AlertStatus[] = [];

  beforeAll(async () => {
    const rnd = seeded(24);
    const sent: GenRequest[] = [];
    for (let m = -10; m < 24; m++) {
      for (const model of [GPT4O, MINI, SONNET]) {
        const errors = model === SONNET ? sonnetErrors(m) : 1;
        if (errors === null) continue; // the failing model's traffic starts at T
        for (let k = 0; k < 20; k++) sent.push(gatewayRequest(k < errors ? 'ratelimit' : 'chat', T + m * MIN + k * 3000 + 500, rnd, { model: MODEL_INDEX[model] }));
      }
    }
    await send(sent, SVC);
    for (let t = T - 2 * MIN; t <= T + 22 * MIN; t += 30_000) {
      clock.advance(t - clock.now());
      statuses.push(await alerts.evaluate(SVC));
    }
  }, 120_000);

  it('raises exactly one incident, naming the model, with one notification at its start and one at its end', async () => {
    expect(statuses.every((s) => s.error === null)).toBe(true);
    const incidents = notifier.incidents.filter((i) => i.state === 'Alert');
    expect(incidents.map((i) => i.alert?.scope)).toEqual([SONNET]);
    const [incident] = incidents;
    expect(incident!.endedAt).not.toBeNull();
    expect(incident!.alert!.ruleId).toBe('model-errors');
    expect(notes.map((n) => n.title)).toEqual([`${SVC}: Model error rate — ${SONNET}`, `${SVC}: Model error rate back to normal — ${SONNET}`]);
    // The start names the model, the figure and the upstream error; the figure is what plain SQL counts.
    const start = notes[0]!;
    const m = /^anthropic-main\/claude-sonnet-4: (\d+(?:\.\d)?) % of (\d+) requests failed in the last 5 min \([^)]*429[^)]*\); threshold 20 %\.$/.exec(start.body);
    expect(m, start.body).not.toBeNull();
    const truth = await rootCounts(SVC, SONNET, incident!.startedAt - 5 * MIN, incident!.startedAt);
    expect(Number(m![2])).toBe(truth.requests);
    expect(Number(m![1])).toBe(Math.round((truth.errors / truth.requests) * 1000) / 10);
    expect(truth.errors / truth.requests).toBeGreaterThan(0.6);
    // It started after the burst held for the rule's minute, and ended once recovered for a minute.
    expect(incident!.startedAt).toBeGreaterThanOrEqual(T + 1 * MIN);
    expect(incident!.startedAt).toBeLessThanOrEqual(T + 3 * MIN);
    expect(incident!.endedAt!).toBeGreaterThan(T + 10 * MIN);
    // The notification opens Explore on the model's failed requests in the rule's window.
    expect(start.explore).toEqual({ query: `model:"${SONNET}" status:error`, fromMs: incident!.startedAt - 5 * MIN, toMs: incident!.startedAt });
  });

  it('the rate hovered at the threshold on its way down without a second incident', async () => {
    const rates = statuses.map((s) => ({ at: s.evaluatedAt!, v: s.rules.find((r) => r.ruleId === 'model-errors')!.scopes.find((x) => x.scope === SONNET) })).filter((x) => x.v && x.at > T + 7 * MIN && x.at < T + 10 * MIN);
    const values = rates.map((r) => r.v!.value!);
    // Above and below 20 % within the hover, each figure what plain SQL counts.
    expect(values.some((v) => v > 0.2)).toBe(true);
    expect(values.some((v) => v < 0.2)).toBe(true);
    for (const r of rates) {
      const truth = await rootCounts(SVC, SONNET, r.at - 5 * MIN, r.at);
      expect(r.v!.value).toBeCloseTo(truth.errors / truth.requests, 9);
      expect(r.v!.firing).toBe(true);
    }
    expect(notifier.incidents.filter((i) => i.state === 'Alert')).toHaveLength(1);
  });

  it('the other models raise none, and their rates are what plain SQL counts', async () => {
    const last = statuses.find((s) => s.evaluatedAt === T + 5 * MIN)!;
    for (const model of [GPT4O, MINI]) {
      const v = last.rules.find((r) => r.ruleId === 'model-errors')!.scopes.find((x) => x.scope === model)!;
      const truth = await rootCounts(SVC, model, T, T + 5 * MIN);
      expect(v.requests).toBe(truth.requests);
      expect(v.value).toBeCloseTo(truth.errors / truth.requests, 9);
      expect(v.firing).toBe(false);
    }
    expect(notes.some((n) => n.title.includes(GPT4O) || n.title.includes(MINI))).toBe(false);
  });
});

describe('a relative latency rule', () => {
  const SVC = 'gw-latency';
  const T = Math.floor((Date.now() - 30 * MIN) / MIN) * MIN;
  const rule: AlertRule = { id: 'latency', name: 'p95 latency vs yesterday', enabled: true, metric: 'p95LatencyMs', scope: { kind: 'model', value: null }, windowMinutes: 15, threshold: { kind: 'relative', factor: 2 }, minRequests: 50, forMinutes: 1 };
  const clock = new FakeClock(T);
  const { alerts, notes } = service(SVC, [rule], clock);

  /** p95 of the model's root spans in plain SQL (the same quantile function over the same requests). */
  async function p95(fromMs: number, toMs: number): Promise<number> {
    const [row] = await selectRows<{ p: number }>(
      sandbox.clickhouse,
      `SELECT quantile(0.95)(Duration / 1e6) AS p FROM default.otel_traces WHERE ServiceName = {s:String} AND ParentSpanId = ''
         AND SpanAttributes['tfy.request.model_name'] = {m:String} AND Timestamp > fromUnixTimestamp64Milli({f:Int64}) AND Timestamp <= fromUnixTimestamp64Milli({t:Int64})`,
      { s: SVC, m: GPT4O, f: fromMs, t: toMs },
    );
    return Number(row!.p);
  }

  beforeAll(async () => {
    const rnd = seeded(7);
    const sent: GenRequest[] = [];
    const at = (start: number, durationMs: number) => {
      const r = gatewayRequest('chat', start, rnd, { model: 0 });
      r.spans[0]!.durationMs = durationMs;
      sent.push(r);
    };
    // The usual spread: 300 ms to 1.5 s, with a slow call now and then, over the previous day, and in the window before the step.
    const usual = () => (rnd() < 0.03 ? 2_000 + rnd() * 1_500 : 300 + rnd() * 1_200);
    for (let t = T - 24 * 3600_000 - 15 * MIN; t < T - 15 * MIN; t += 2 * MIN) at(t, usual());
    for (let t = T - 15 * MIN; t <= T; t += 10_000) at(t, usual());
    // The step (a deploy): every call three times as slow.
    for (let t = T + 10_000; t <= T + 20 * MIN; t += 10_000) at(t, usual() * 3);
    await send(sent, SVC);
  }, 120_000);

  it('does not fire on the usual spread, and fires on the step; value and threshold are what plain SQL computes', async () => {
    const before = await alerts.evaluate(SVC);
    const v0 = before.rules[0]!.scopes.find((s) => s.scope === GPT4O)!;
    expect(v0.firing || v0.pending).toBe(false);
    expect(v0.value).toBeCloseTo(await p95(T - 15 * MIN, T), 6);
    expect(v0.baseline).toBeCloseTo(await p95(T - 15 * MIN - 24 * 3600_000, T - 15 * MIN), 6);
    expect(v0.threshold).toBeCloseTo(2 * v0.baseline!, 6);
    expect(v0.value!).toBeLessThan(v0.threshold!);
    let fired: AlertStatus | null = null;
    for (let t = T + MIN; t <= T + 15 * MIN && !fired; t += 30_000) {
      clock.advance(t - clock.now());
      const s = await alerts.evaluate(SVC);
      if (s.rules[0]!.scopes.find((x) => x.scope === GPT4O)?.firing) fired = s;
    }
    expect(fired).not.toBeNull();
    const v = fired!.rules[0]!.scopes.find((s) => s.scope === GPT4O)!;
    expect(v.value).toBeCloseTo(await p95(fired!.evaluatedAt! - 15 * MIN, fired!.evaluatedAt!), 6);
    expect(v.value!).toBeGreaterThan(v.threshold!);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toMatch(/^openai-main\/gpt-4o: p95 latency \d+(\.\d)? s over \d+ requests in the last 15 min, above 2× the previous 24 h's/);
  });
});

describe('a cost-per-hour rule', () => {
  const SVC = 'gw-cost';
  const T = Math.floor((Date.now() - 30 * MIN) / MIN) * MIN;
  const sent: GenRequest[] = [];
  /** An app's own GenAI span beside the gateway's: no cost reported, so it is priced from its tokens. */
  const APP_PRICE = { inputPerMTok: 2.5, outputPerMTok: 10 };
  const appCalls: number[] = [];
  const APP_COST = (1000 * APP_PRICE.inputPerMTok + 200 * APP_PRICE.outputPerMTok) / 1e6;
  const hourCost = (t: number) => sent.filter((r) => r.startMs > t - 60 * MIN && r.startMs <= t).reduce((a, r) => a + r.costUsd, 0) + appCalls.filter((a) => a > t - 60 * MIN && a <= t).length * APP_COST;
  let amount = 0;
  const clock = new FakeClock(T);
  const rules: AlertRule[] = [];
  const priceOf: PriceOf = (provider, model) => (provider === 'openai' && model === 'app-model' ? APP_PRICE : null);
  const { alerts, notes } = service(SVC, rules, clock, true, priceOf);

  beforeAll(async () => {
    const rnd = seeded(11);
    // A quiet hour, then an agent that calls four times as often.
    for (let t = T - 60 * MIN; t < T; t += MIN) sent.push(gatewayRequest('chat', t + 1000, rnd, { model: 0 }));
    for (let t = T; t < T + 25 * MIN; t += 15_000) sent.push(gatewayRequest('chat', t + 1000, rnd, { model: 0 }));
    const app: GenRequest[] = [];
    for (let t = T - 60 * MIN; t < T + 25 * MIN; t += 5 * MIN) {
      appCalls.push(t + 2000);
      const attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'app-model', 'gen_ai.provider.name': 'openai', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 200 };
      app.push({ traceId: hexId(16), spans: [{ spanId: hexId(8), parentSpanId: '', name: 'chat app-model', kind: 3, startMs: t + 2000, durationMs: 800, attributes }] } as unknown as GenRequest);
    }
    await send([...sent, ...app], SVC);
    amount = Number(((hourCost(T) + hourCost(T + 20 * MIN)) / 2).toFixed(4));
    rules.push({ id: 'budget-hour', name: 'Cost per hour', enabled: true, metric: 'costUsd', scope: { kind: 'all', value: null }, windowMinutes: 60, threshold: { kind: 'absolute', value: amount }, minRequests: 0, forMinutes: 0 });
  }, 60_000);

  it('fires at the first evaluation whose hour costs more than the amount: reported costs by plain SQL over the Model spans, plus the estimate of the unpriced calls', async () => {
    const costSql = async (t: number) => {
      const [row] = await selectRows<{ c: number }>(
        sandbox.clickhouse,
        `SELECT sum(toFloat64OrZero(SpanAttributes['tfy.model.metric.cost_in_usd'])) AS c FROM default.otel_traces
         WHERE ServiceName = {s:String} AND SpanName = 'Model' AND TraceId IN (
           SELECT TraceId FROM default.otel_traces WHERE ServiceName = {s:String} AND ParentSpanId = ''
             AND Timestamp > fromUnixTimestamp64Milli({f:Int64}) AND Timestamp <= fromUnixTimestamp64Milli({t:Int64}))`,
        { s: SVC, f: t - 60 * MIN, t },
      );
      // The app's calls in the hour, counted in plain SQL and priced at the test's own price.
      const [app] = await selectRows<{ n: number | string }>(
        sandbox.clickhouse,
        `SELECT count() AS n FROM default.otel_traces WHERE ServiceName = {s:String} AND SpanAttributes['gen_ai.request.model'] = 'app-model'
           AND Timestamp > fromUnixTimestamp64Milli({f:Int64}) AND Timestamp <= fromUnixTimestamp64Milli({t:Int64})`,
        { s: SVC, f: t - 60 * MIN, t },
      );
      return Number(row!.c) + Number(app!.n) * APP_COST;
    };
    let previous: { at: number; value: number } | null = null;
    let firedAt: number | null = null;
    for (let t = T; t <= T + 20 * MIN; t += MIN) {
      clock.advance(t - clock.now());
      const s = await alerts.evaluate(SVC);
      const v = s.rules[0]!.scopes[0]!;
      expect(v.value).toBeCloseTo(await costSql(t), 9);
      if (v.firing) {
        firedAt = t;
        break;
      }
      previous = { at: t, value: v.value! };
    }
    expect(firedAt).not.toBeNull();
    expect(previous).not.toBeNull();
    expect(await costSql(firedAt!)).toBeGreaterThan(amount);
    expect(await costSql(previous!.at)).toBeLessThanOrEqual(amount);
    expect(notes.map((n) => n.title)).toEqual([`${SVC}: Cost per hour — all traffic`]);
    expect(notes[0]!.body).toMatch(/^All traffic: \$\d+\.\d\d spent in the last hour, above \$\d+\.\d\d\.$/);
  });
});

describe('a requests-per-minute floor', () => {
  const SVC = 'gw-floor';
  const T = Math.floor((Date.now() - 30 * MIN) / MIN) * MIN;
  const rule: AlertRule = { id: 'floor', name: 'Traffic gone', enabled: true, metric: 'requestsPerMinute', scope: { kind: 'model', value: null }, windowMinutes: 5, threshold: { kind: 'absolute', value: 2 }, minRequests: 0, forMinutes: 1 };

  beforeAll(async () => {
    const rnd = seeded(3);
    const sent: GenRequest[] = [];
    // Two models at 10 calls a minute; one of them stops at T, the other goes on.
    for (let t = T - 30 * MIN; t < T + 10 * MIN; t += 6_000) {
      sent.push(gatewayRequest('chat', t + 500, rnd, { model: 0 }));
      if (t < T) sent.push(gatewayRequest('chat', t + 700, rnd, { model: 1 }));
    }
    await send(sent, SVC);
  }, 60_000);

  it('fires for the model whose traffic stopped while ingestion is fine, and is not judged while it is not', async () => {
    const clock = new FakeClock(T + 6 * MIN);
    const { alerts, notes } = service(SVC, [rule], clock);
    const broken = service(SVC, [rule], clock, false);
    await alerts.evaluate(SVC);
    clock.advance(90_000);
    const s = await alerts.evaluate(SVC);
    const byScope = Object.fromEntries(s.rules[0]!.scopes.map((x) => [x.scope, x]));
    expect(byScope[MINI]!.firing).toBe(true);
    expect(byScope[MINI]!.value).toBe(0);
    const truth = await rootCounts(SVC, GPT4O, clock.now() - 5 * MIN, clock.now());
    expect(byScope[GPT4O]!.value).toBeCloseTo(truth.requests / 5, 9);
    expect(byScope[GPT4O]!.firing).toBe(false);
    expect(notes.map((n) => n.body)).toEqual([`${MINI}: 0/min in the last 5 min, below 2/min while spans still arrive.`]);
    await broken.alerts.evaluate(SVC);
    const b = await broken.alerts.evaluate(SVC);
    const mini = b.rules[0]!.scopes.find((x) => x.scope === MINI)!;
    expect(mini.firing || mini.pending).toBe(false);
    expect(mini.note).toBe("not judged while the pipeline is Stalled (the pipeline's own incident covers it)");
    expect(broken.notes).toEqual([]);
  });
});

describe('the watcher', () => {
  it('evaluates at start, even when the profiles were synced before it started, then once per poll interval', async () => {
    const clock = new FakeClock(Date.now());
    const { alerts } = service('gw-watch', defaultAlertRules(), clock);
    await alerts.sync();
    alerts.start();
    const until = async (n: number) => {
      for (let i = 0; i < 200 && alerts.polls('gw-watch') < n; i++) await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 200 && alerts.status('gw-watch')?.evaluatedAt !== clock.now(); i++) await new Promise((r) => setTimeout(r, 50));
    };
    await until(1);
    expect(alerts.polls('gw-watch')).toBe(1);
    expect(alerts.status('gw-watch')!.error).toBeNull();
    clock.advance(30_000);
    await until(2);
    expect(alerts.polls('gw-watch')).toBe(2);
    expect(alerts.status('gw-watch')!.evaluatedAt).toBe(clock.now());
    alerts.stop();
  });
});

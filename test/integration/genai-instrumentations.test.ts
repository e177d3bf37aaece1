/**
 * Real spans from the GenAI instrumentation packages people use — OpenTelemetry's
 * @opentelemetry/instrumentation-openai, OpenInference's, OpenLLMetry's in a current release and
 * in one from the line that writes gen_ai.prompt.N.* — around the real `openai` client calling a
 * local fake provider (chat, a stream with usage, an embedding, a 429), exported by the OTel SDK's
 * own exporters over HTTP and gRPC into the sandbox, beside gateway-shaped traffic.
 *
 * What each library recorded is read from its own spans, without our key lists: a fact counts as
 * recorded when the provider's true number (or text) is among the span's attribute values. Where
 * it is, the requests view must show it; where it is not, the test says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTrace } from '../../electron/core/traces/trace-load.js';
import { searchRequests } from '../../electron/core/traces/request-queries.js';
import { trafficSummary } from '../../electron/core/traces/traffic-summary.js';
import { PriceCatalog } from '../../electron/core/semantics/price-catalog.js';
import { parseChat } from '../../electron/shared/chat-messages.js';
import { uncachedInput } from '../../electron/shared/request-facts.js';
import type { RequestRow } from '../../electron/shared/request-row.js';
import { startFakeProvider, type FakeCall } from '../support/genai/fake-provider.js';
import { GENAI_FAMILIES, runInstrumentedApp, type InstrumentedCall, type InstrumentedRun } from '../support/genai/run-instrumented.js';
import { GATEWAY_SERVICE, gatewayMix, otlpBody } from '../support/gateway-traffic.js';
import { postOtlp, selectRows } from '../support/otlp-http.js';
import { sandboxLocation, sandboxTable, startTestSandbox, type TestSandbox } from '../support/sandbox.js';
import { spanRowColumnsSql } from '../../electron/core/semantics/span-columns-sql.js';
import { rollupRequest } from '../../electron/shared/request-row.js';
import { toSpanRow, type SpanRow } from '../../electron/shared/span-row.js';

const PROTOCOLS = ['http', 'grpc'] as const;
let sandbox: TestSandbox;
let provider: Awaited<ReturnType<typeof startFakeProvider>>;
const catalog = new PriceCatalog(() => []);
const runs: { run: InstrumentedRun; answered: FakeCall[] }[] = [];
const now = Date.now();
const window = () => ({ fromMs: now - 3600_000, toMs: Date.now() + 60_000 });
const GATEWAY_REQUESTS = 40;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  provider = await startFakeProvider();
  const gateway = await postOtlp(sandbox.otlp, otlpBody(gatewayMix(GATEWAY_REQUESTS, 7, now - 5 * 60_000)));
  expect(gateway.status).toBe(200);
  for (const family of GENAI_FAMILIES) {
    for (const protocol of PROTOCOLS) {
      const before = provider.calls.length;
      const endpoint = protocol === 'http' ? sandbox.otlp : `http://${sandbox.otlpGrpc}`;
      const run = await runInstrumentedApp({ family, protocol, endpoint, providerUrl: provider.baseUrl, serviceName: `app-${family}-${protocol}` });
      expect(run.export.failures, `${family} over ${protocol} exported without failures`).toEqual([]);
      runs.push({ run, answered: provider.calls.slice(before) });
    }
  }
}, 180_000);

afterAll(async () => {
  await provider?.close();
  await sandbox?.dispose();
});

/** Every attribute value of the call's spans whose key speaks of tokens, as numbers. */
function tokenValues(call: InstrumentedCall): number[] {
  return call.spans.flatMap((s) => Object.entries(s.attributes).filter(([k]) => /token/i.test(k)).map(([, v]) => Number(v)));
}

function allText(call: InstrumentedCall): string {
  return call.spans.map((s) => Object.values(s.attributes).map(String).join('\n')).join('\n');
}

async function requestOf(run: InstrumentedRun, call: InstrumentedCall): Promise<RequestRow | undefined> {
  const found = await searchRequests(sandboxLocation(sandbox), { ...window(), service: run.serviceName, query: `trace:${call.traceId}`, limit: 5 }, catalog.priceOf);
  expect(found.requests.length).toBeLessThanOrEqual(1);
  return found.requests[0];
}

const said = new Set<string>();
function say(line: string): void {
  if (said.has(line)) return;
  said.add(line);
  console.log(line);
}

describe.each(GENAI_FAMILIES.flatMap((f) => PROTOCOLS.map((p) => [f, p] as const)))('%s over %s', (family, protocol) => {
  const get = () => runs.find((r) => r.run.family === family && r.run.protocol === protocol)!;

  it('chat and stream: the model, the token split, errors and the chat panel as the provider answered', async () => {
    const { run, answered } = get();
    for (const kind of ['chat', 'stream'] as const) {
      const call = run.calls.find((c) => c.kind === kind)!;
      const truth = answered.find((a) => a.kind === kind);
      expect(truth, `the provider answered the ${kind}`).toBeDefined();
      if (!truth || (truth.kind !== 'chat' && truth.kind !== 'stream')) continue;
      expect(call.traceId, `${family} wrote a span for the ${kind}`).toBeDefined();
      const row = (await requestOf(run, call))!;
      expect(row, `the ${kind} is a request in the requests view`).toBeDefined();
      expect(row.model).toContain(truth.requestModel);
      expect(row.status).not.toBe('error');
      const u = truth.usage;
      const values = tokenValues(call);
      const facts = [
        ['input tokens', u.prompt_tokens, row.inputTokens],
        ['output tokens', u.completion_tokens, row.outputTokens],
        ['cache-read tokens', u.prompt_tokens_details.cached_tokens, row.cacheReadTokens],
        ['reasoning tokens', u.completion_tokens_details.reasoning_tokens, row.reasoningTokens],
      ] as const;
      for (const [what, expected, shown] of facts) {
        if (values.includes(expected)) expect([what, shown]).toEqual([what, expected]);
        else {
          expect([what, shown]).toEqual([what, null]);
          say(`${family} ${run.versions.instrumentation} records no ${what} on a ${kind}.`);
        }
      }
      if (row.inputTokens !== null) {
        expect(uncachedInput(row)).toBe(u.prompt_tokens - (row.cacheReadTokens ?? 0));
        // No span reports a cost: the catalog prices the tokens, marked as an estimate.
        expect(row.costEstimated).toBe(true);
        expect(row.costUsd).toBeGreaterThan(0);
      }
      expect(row.dialect).not.toBe('');
      // TTFT: a library records it as an attribute or as a first-token event; none of these does.
      const ttftRecorded = call.spans.some((s) => Object.keys(s.attributes).some((k) => /first_(chunk|token)/i.test(k)) || s.events.some((e) => /first token/i.test(e.name)));
      if (ttftRecorded) expect(row.ttftMs).toBeGreaterThan(0);
      else {
        expect(row.ttftMs).toBeNull();
        say(`${family} ${run.versions.instrumentation} records no time to first token.`);
      }
      // The chat panel: the user's message and the answer, as the trace view parses them.
      const spans = await getTrace(sandboxLocation(sandbox), call.traceId!, now);
      const root = spans.find((s) => s.parentSpanId === '')!;
      const sent = (truth.request as { messages?: { role: string; content: string }[] }).messages ?? [];
      const userText = sent.filter((m) => m.role === 'user').at(-1)?.content ?? '';
      expect(userText).not.toBe('');
      const text = allText(call);
      if (text.includes(userText)) {
        const input = parseChat(root.llm.input);
        expect(input?.some((m) => m.role === 'user' && m.text.includes(userText)), `${family}: the ${kind}'s input reads as chat`).toBe(true);
      } else say(`${family} ${run.versions.instrumentation} puts no prompt on its spans (content goes to log records, which the sandbox does not store).`);
      if (text.includes(truth.answer)) {
        const output = parseChat(root.llm.output);
        expect(output ? output.some((m) => m.text.includes(truth.answer)) : root.llm.output.includes(truth.answer), `${family}: the ${kind}'s answer is shown`).toBe(true);
      } else say(`${family} ${run.versions.instrumentation} puts no answer on the ${kind}'s spans.`);
    }
  });

  it('an embedding: its model and tokens, where the library writes a span', async () => {
    const { run, answered } = get();
    const call = run.calls.find((c) => c.kind === 'embedding')!;
    const truth = answered.find((a) => a.kind === 'embedding');
    if (!call.traceId) {
      say(`${family} ${run.versions.instrumentation} writes no span for an embedding.`);
      return;
    }
    const row = (await requestOf(run, call))!;
    expect(row.model).toContain('text-embedding-3-small');
    const tokens = truth && truth.kind === 'embedding' ? truth.usage.prompt_tokens : -1;
    if (tokenValues(call).includes(tokens)) expect(row.inputTokens).toBe(tokens);
    else say(`${family} ${run.versions.instrumentation} records no tokens for an embedding.`);
  });

  it('the short fields find its chat by what it recorded, in its own keys', async () => {
    const { run, answered } = get();
    const call = run.calls.find((c) => c.kind === 'chat')!;
    const truth = answered.find((a) => a.kind === 'chat');
    if (!truth || truth.kind !== 'chat' || !call.traceId) throw new Error(`${family}: no chat to search for`);
    const found = async (query: string) => (await searchRequests(sandboxLocation(sandbox), { ...window(), service: run.serviceName, query, limit: 20 }, catalog.priceOf)).requests.map((r) => r.traceId);
    expect(await found(`model:*${truth.requestModel.slice(2)}*`), `${family}: model:*…* reads its model key`).toContain(call.traceId);
    const row = (await requestOf(run, call))!;
    if (row.inputTokens === null || row.outputTokens === null) {
      say(`${family} ${run.versions.instrumentation} records no tokens on a chat: nothing for tokens: to find.`);
      return;
    }
    // tokens: is input + output on a span, as HyperDX users write it over the gateway's keys.
    const total = row.inputTokens + row.outputTokens;
    expect(await found(`tokens:>${total - 1}`), `${family}: tokens: reads its token keys`).toContain(call.traceId);
    expect(await found(`tokens:>${total}`)).not.toContain(call.traceId);
  });

  it('a 429: a failed request naming the failing span and the provider’s message, where the library exports one', async () => {
    const { run } = get();
    const call = run.calls.find((c) => c.kind === 'error')!;
    expect(call.ok).toBe(false);
    if (!call.traceId || call.spans.length === 0) {
      // Nothing exported for the call: the app must not invent a failed request for it either.
      const failed = await searchRequests(sandboxLocation(sandbox), { ...window(), service: run.serviceName, query: 'status:error', limit: 5 }, catalog.priceOf);
      expect(failed.requests, `${family}: no failed request shown for a call it never exported`).toEqual([]);
      say(`${family} ${run.versions.instrumentation} exports no span for a call that failed with 429 (${call.unended.length} started, never ended).`);
      return;
    }
    const row = (await requestOf(run, call))!;
    expect(row.status).toBe('error');
    expect(row.failedSpan).toBe(call.spans[0]!.name);
    expect(row.errorMessage).toContain('Rate limit reached');
  });
});

/** Which dialect each library writes, by the keys only it uses (DESIGN.md, third pass). */
const DIALECT: Record<(typeof GENAI_FAMILIES)[number], string> = { otel: 'genai', openinference: 'openinference', traceloop: 'genai', 'traceloop-legacy': 'openllmetry' };

describe('the live tail’s fold equals the SQL rollup on every library’s spans', () => {
  it('field by field, and each request names its library’s dialect', async () => {
    const table = await sandboxTable(sandbox);
    for (const { run } of runs) {
      const found = await searchRequests(sandboxLocation(sandbox), { ...window(), service: run.serviceName, query: '', limit: 1000 });
      expect(found.requests.length, `${run.family} over ${run.protocol}`).toBe(run.calls.filter((c) => c.spans.length).length);
      const raw = await selectRows<unknown>(sandbox.clickhouse, `SELECT ${spanRowColumnsSql(table.layout)} FROM otel_traces WHERE ServiceName = {svc:String} ORDER BY rand()`, { svc: run.serviceName });
      const byTrace = new Map<string, SpanRow[]>();
      for (const s of raw.map(toSpanRow)) byTrace.set(s.traceId, [...(byTrace.get(s.traceId) ?? []), s]);
      for (const row of found.requests) {
        expect(rollupRequest(byTrace.get(row.traceId)!)).toEqual(row);
        expect([run.family, row.dialect]).toEqual([run.family, DIALECT[run.family]]);
      }
    }
  });
});

describe('gateway and GenAI traffic in one table', () => {
  it('all services: every request counted once, the estimate marked and kept apart', async () => {
    const all = await trafficSummary(sandboxLocation(sandbox), window().fromMs, window().toMs, null, catalog.priceOf);
    const gatewayOnly = await trafficSummary(sandboxLocation(sandbox), window().fromMs, window().toMs, GATEWAY_SERVICE, catalog.priceOf);
    // What the libraries exported, each call its own trace: the requests there must be.
    const exported = runs.flatMap(({ run }) => run.calls.filter((c) => c.traceId && c.spans.length).map((c) => ({ run, call: c })));
    const byModel = (s: typeof all) => s.models.reduce((n, m) => n + m.requests, 0);
    expect(byModel(gatewayOnly)).toBeLessThanOrEqual(GATEWAY_REQUESTS);
    const gatewayWithModel = byModel(gatewayOnly);
    const appWithModel = (await Promise.all(exported.map(({ run, call }) => requestOf(run, call)))).filter((r) => r && r.model !== '').length;
    expect(byModel(all)).toBe(gatewayWithModel + appWithModel);
    // The gateway reports its costs; the apps' are estimated, and the summary says how much.
    expect(gatewayOnly.models.every((m) => m.costEstimatedUsd === 0)).toBe(true);
    const mini = all.models.find((m) => m.model.includes('gpt-4o-mini') && m.costEstimatedUsd > 0);
    expect(mini, 'the apps’ chat model is priced from the catalog').toBeDefined();
    expect(mini!.costUsd).toBeGreaterThanOrEqual(mini!.costEstimatedUsd);
    // The token split adds up per model to what the requests say.
    const rows = (await Promise.all(exported.map(({ run, call }) => requestOf(run, call)))).filter((r): r is RequestRow => r !== undefined && r.model === mini!.model);
    expect(mini!.inputTokens).toBe(rows.reduce((n, r) => n + (r.inputTokens ?? 0), 0));
    expect(mini!.cacheReadTokens).toBe(rows.reduce((n, r) => n + (r.cacheReadTokens ?? 0), 0));
    expect(mini!.requests).toBe(rows.length);
  });
});

/**
 * Time to first token where TrueFoundry's key is absent, in the documented shapes (DESIGN.md, third
 * pass; no library used in genai-instrumentations.test.ts records one): OTel GenAI's
 * `gen_ai.response.time_to_first_chunk` in seconds, and OpenInference's "First Token Stream Event"
 * span event, timed from the span's start. Written with the documented strings as a client sends
 * them over OTLP/JSON, not with the app's constants. The requests page (the shared fold), the
 * summary (the SQL rollup) and the `ttft:` short field must all read them, in milliseconds.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchRequests } from '../../electron/core/traces/request-queries.js';
import { trafficSummary } from '../../electron/core/traces/traffic-summary.js';
import { postOtlp } from '../support/otlp-http.js';
import { sandboxLocation, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

let sandbox: TestSandbox;
const now = Date.now();
const window = { fromMs: now - 3600_000, toMs: now + 60_000 };
const ns = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
const int = (key: string, v: number) => ({ key, value: { intValue: String(v) } });

/** One root span of a client's LLM call, with the dialect's attributes and events. */
function call(service: string, startMs: number, attributes: object[], events: object[] = []) {
  const traceId = randomBytes(16).toString('hex');
  return {
    traceId,
    body: {
      resourceSpans: [
        {
          resource: { attributes: [str('service.name', service)] },
          scopeSpans: [
            {
              scope: { name: 'client-instrumentation' },
              spans: [{ traceId, spanId: randomBytes(8).toString('hex'), name: 'chat gpt-4o-mini', kind: 3, startTimeUnixNano: ns(startMs), endTimeUnixNano: ns(startMs + 900), attributes, events, status: {} }],
            },
          ],
        },
      ],
    },
  };
}

const genai = call('app-genai', now - 120_000, [
  str('gen_ai.operation.name', 'chat'),
  str('gen_ai.request.model', 'gpt-4o-mini'),
  int('gen_ai.usage.input_tokens', 12),
  int('gen_ai.usage.output_tokens', 7),
  { key: 'gen_ai.response.time_to_first_chunk', value: { doubleValue: 0.25 } },
]);
const openinference = call(
  'app-openinference',
  now - 100_000,
  [str('openinference.span.kind', 'LLM'), str('llm.model_name', 'gpt-4o-mini'), int('llm.token_count.prompt', 12), int('llm.token_count.completion', 7)],
  [{ name: 'First Token Stream Event', timeUnixNano: ns(now - 100_000 + 180) }],
);
const none = call('app-genai', now - 80_000, [str('gen_ai.operation.name', 'chat'), str('gen_ai.request.model', 'gpt-4o-mini'), int('gen_ai.usage.input_tokens', 3)]);

beforeAll(async () => {
  sandbox = await startTestSandbox();
  for (const c of [genai, openinference, none]) expect((await postOtlp(sandbox.otlp, JSON.stringify(c.body))).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await sandbox?.dispose();
});

const requests = async (query: string) => (await searchRequests(sandboxLocation(sandbox), { ...window, service: null, query, limit: 20 })).requests;

describe('time to first token in the GenAI and OpenInference shapes', () => {
  it('the requests view reads seconds as milliseconds, and the first-token event from the span start', async () => {
    const byTrace = new Map((await requests('')).map((r) => [r.traceId, r]));
    expect(byTrace.get(genai.traceId)?.ttftMs).toBe(250);
    expect(byTrace.get(openinference.traceId)?.ttftMs).toBe(180);
    expect(byTrace.get(none.traceId)?.ttftMs).toBeNull();
  });

  it('ttft: finds each by its own key, in the units users type', async () => {
    expect((await requests('ttft:>200ms')).map((r) => r.traceId)).toEqual([genai.traceId]);
    expect((await requests('ttft:<200ms')).map((r) => r.traceId)).toEqual([openinference.traceId]);
  });

  it('the summary’s TTFT is the median of the two that report one', async () => {
    const s = await trafficSummary(sandboxLocation(sandbox), window.fromMs, window.toMs, null, () => null, { query: '' });
    const model = s.models.find((m) => m.model.includes('gpt-4o-mini'));
    expect(model?.requests).toBe(3);
    // quantile() interpolates: the median of 180 and 250 is 215.
    expect(model?.ttftP50Ms).toBeCloseTo(215, 0);
  });
});

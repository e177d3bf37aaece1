/**
 * A trace shaped like the TrueFoundry AI Gateway's: ChatCompletion → Model → Network Call,
 * plus an input Guardrail span, with the gateway's documented attributes, encoded as OTLP/JSON
 * by the spec (hex ids, integer enums, int64 as strings).
 */
import { randomBytes } from 'node:crypto';
import { HTTP_STATUS_CODE, TEST_MARKER, TFY } from '../semantics/gateway-attributes.js';

export const TEST_SERVICE_NAME = 'clickstack-tray-test';
/** Marks the spans as a test, so dashboards and the tail can leave them out. */
export const TEST_MARKER_KEY = TEST_MARKER.flag;
export const TEST_ID_KEY = TEST_MARKER.id;

type OtlpValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
const str = (v: string): OtlpValue => ({ stringValue: v });
const int = (v: number): OtlpValue => ({ intValue: String(Math.trunc(v)) });
const dbl = (v: number): OtlpValue => ({ doubleValue: v });
const bool = (v: boolean): OtlpValue => ({ boolValue: v });
const attrs = (o: Record<string, OtlpValue>) => Object.entries(o).map(([key, value]) => ({ key, value }));

/** W3C ids: random and never all zero. */
function hexId(bytes: 8 | 16): string {
  for (;;) {
    const id = randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(id)) return id;
  }
}

export interface GatewayTrace {
  traceId: string;
  spanIds: { chat: string; guardrail: string; model: string; network: string };
  spanCount: number;
  serviceName: string;
  startNs: bigint;
  endNs: bigint;
  body: string;
}

const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 } as const;
const STATUS_OK = 1;

export function buildGatewayTrace(options: { serviceName?: string; now?: number } = {}): GatewayTrace {
  const serviceName = options.serviceName ?? TEST_SERVICE_NAME;
  const traceId = hexId(16);
  const spanIds = { chat: hexId(8), guardrail: hexId(8), model: hexId(8), network: hexId(8) };
  const ms = (n: number) => BigInt(Math.round(n * 1_000_000));
  // Finished a moment ago, as a real span is exported only when it ends.
  const endNs = BigInt(options.now ?? Date.now()) * 1_000_000n;
  const startNs = endNs - ms(1840);
  const testId = traceId.slice(0, 8);
  const marker = { [TEST_MARKER_KEY]: bool(true), [TEST_ID_KEY]: str(testId) };
  const model = { [TFY.model.id]: str('openai-main/gpt-4o-mini'), [TFY.model.name]: str('gpt-4o-mini'), [TFY.model.fqn]: str('truefoundry:openai-main:gpt-4o-mini'), [TFY.model.requestUrl]: str('https://api.openai.com/v1/chat/completions'), [TFY.model.streaming]: bool(true), [TFY.model.requestType]: str('chat') };
  const metrics = { [TFY.metric.latencyMs]: int(1790), [TFY.metric.ttftMs]: int(412), [TFY.metric.interTokenLatencyMs]: dbl(18.5), [TFY.metric.inputTokens]: int(42), [TFY.metric.outputTokens]: int(128), [TFY.metric.costUsd]: dbl(0.0000831) };

  const span = (id: string, parent: string, name: string, kind: number, from: number, to: number, a: Record<string, OtlpValue>) => ({
    traceId,
    spanId: id,
    parentSpanId: parent,
    name,
    kind,
    startTimeUnixNano: String(startNs + ms(from)),
    endTimeUnixNano: String(startNs + ms(to)),
    attributes: attrs({ ...a, ...marker }),
    status: { code: STATUS_OK },
  });

  const spans = [
    span(spanIds.chat, '', 'ChatCompletion', SPAN_KIND.SERVER, 0, 1840, {
      [TFY.spanType]: str('ChatCompletion'),
      [TFY.request.modelName]: str('openai-main/gpt-4o-mini'),
      [TFY.request.createdBySubject]: str('user:clickstack-tray'),
      [TFY.request.conversationId]: str(`test-${testId}`),
      [TFY.input]: str('[{"role":"user","content":"clickstack-tray test trace: reply with OK"}]'),
      [TFY.output]: str('OK'),
      [TFY.request.createdBySubjectTeams]: str('["clickstack-tray"]'),
      [HTTP_STATUS_CODE]: int(200),
      // No metrics here: the gateway reports tokens, cost and TTFT on the Model span only, and so does this trace.
    }),
    span(spanIds.guardrail, spanIds.chat, 'Guardrail', SPAN_KIND.INTERNAL, 5, 35, { [TFY.spanType]: str('Guardrail'), [TFY.guardrail.name]: str('pii-redaction'), [TFY.guardrail.result]: str('pass') }),
    span(spanIds.model, spanIds.chat, 'Model', SPAN_KIND.INTERNAL, 40, 1830, { [TFY.spanType]: str('Model'), ...model, ...metrics }),
    span(spanIds.network, spanIds.model, 'Network Call', SPAN_KIND.CLIENT, 45, 1825, { [TFY.spanType]: str('NetworkCall'), 'http.request.method': str('POST'), 'url.full': str('https://api.openai.com/v1/chat/completions'), [HTTP_STATUS_CODE]: int(200) }),
  ];

  const body = JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: attrs({ 'service.name': str(serviceName), 'service.version': str('clickstack-tray'), 'telemetry.sdk.name': str('clickstack-tray') }) },
        scopeSpans: [{ scope: { name: 'clickstack-tray.test-trace', version: '1' }, spans }],
      },
    ],
  });
  return { traceId, spanIds, spanCount: spans.length, serviceName, startNs, endNs, body };
}

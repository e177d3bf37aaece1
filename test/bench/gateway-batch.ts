/** One OTLP/JSON request of LLM-gateway-like spans, the same for every ingest benchmark. */
import { randomBytes } from 'node:crypto';

/** Batch number `batch` of `size` spans: ChatCompletion / Model / Network Call with TrueFoundry attributes. */
export function gatewayBatch(batch: number, size: number): string {
  const base = BigInt(Date.now()) * 1_000_000n;
  const spans = [];
  for (let i = 0; i < size; i++) {
    const start = base + BigInt(batch * size + i) * 1000n;
    spans.push({
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      parentSpanId: i % 3 === 0 ? '' : randomBytes(8).toString('hex'),
      name: ['ChatCompletion', 'Model', 'Network Call'][i % 3],
      kind: 2,
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: (start + BigInt(1 + (i % 50)) * 10_000_000n).toString(),
      attributes: [
        { key: 'tfy.span_type', value: { stringValue: 'ChatCompletion' } },
        { key: 'tfy.request.model_name', value: { stringValue: 'openai-main/gpt-4o' } },
        { key: 'tfy.model.metric.input_tokens', value: { intValue: String(100 + i) } },
        { key: 'tfy.model.metric.output_tokens', value: { intValue: String(20 + i) } },
        { key: 'tfy.model.metric.cost_in_usd', value: { doubleValue: 0.000125 * i } },
        { key: 'tfy.input', value: { stringValue: 'Summarise the following text: ' + 'lorem ipsum '.repeat(20) } },
        { key: 'http.response.status_code', value: { intValue: '200' } },
      ],
      status: { code: i % 17 === 0 ? 2 : 0 },
    });
  }
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'tfy-llm-gateway' } }] }, scopeSpans: [{ scope: { name: 'bench' }, spans }] }],
  });
}

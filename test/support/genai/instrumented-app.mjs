/**
 * A tiny "user app": the real `openai` npm client, patched by one real GenAI instrumentation family, exporting
 * with the OpenTelemetry JS SDK's real OTLP exporter. Run as a child process (see run-instrumented.ts).
 *
 * Configuration (environment):
 *   GENAI_FAMILY        otel | openinference | traceloop | traceloop-legacy
 *   GENAI_PROTOCOL      http (exporter-trace-otlp-http, JSON) | grpc (exporter-trace-otlp-grpc)
 *   GENAI_OTLP_ENDPOINT http: the full …/v1/traces URL; grpc: http://127.0.0.1:PORT
 *   GENAI_OTLP_AUTH     optional; sent as the `authorization` header / gRPC metadata
 *   GENAI_SERVICE_NAME  resource service.name (default genai-<family>)
 *   GENAI_PROVIDER_URL  the provider base URL (…/v1) given to the openai client
 *   GENAI_CALLS         optional comma list of chat,stream,embedding,error (default all four, in that order)
 *   GENAI_CHAT_MODEL / GENAI_EMBEDDING_MODEL  optional model names
 *   OTEL_SEMCONV_STABILITY_OPT_IN  passed through (the harness sets gen_ai_latest_experimental for `otel`)
 *
 * The packages are loaded with require() (createRequire), so the instrumentations' require hooks
 * (require-in-the-middle) really patch `openai`; traceloop-legacy (0.22.x, hook range openai >=4 <6) is applied
 * with its own `manuallyInstrument()` to the installed openai v6 module, because openai v5 cannot be installed
 * next to zod 4 (its optional peer range is zod ^3).
 *
 * Output: exactly one JSON line on stdout:
 *   {"family","protocol","semconvOptIn","versions":{…},"export":{"batches","spans","failures":[…]},
 *    "calls":[{"kind","model","ok","error"?,"traceId","spans":[…],"logs":[…]}]}
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);

const FAMILIES = ['otel', 'openinference', 'traceloop', 'traceloop-legacy'];
const env = process.env;
const family = env.GENAI_FAMILY ?? '';
const protocol = env.GENAI_PROTOCOL ?? 'http';
const endpoint = env.GENAI_OTLP_ENDPOINT ?? '';
const providerUrl = env.GENAI_PROVIDER_URL ?? '';
const serviceName = env.GENAI_SERVICE_NAME || `genai-${family}`;
const auth = env.GENAI_OTLP_AUTH || undefined;
const chatModel = env.GENAI_CHAT_MODEL || 'gpt-4o-mini';
const embeddingModel = env.GENAI_EMBEDDING_MODEL || 'text-embedding-3-small';
const callKinds = (env.GENAI_CALLS || 'chat,stream,embedding,error').split(',').map((s) => s.trim()).filter(Boolean);

function fail(message) {
  process.stderr.write(`instrumented-app: ${message}\n`);
  process.exit(2);
}
if (!FAMILIES.includes(family)) fail(`GENAI_FAMILY must be one of ${FAMILIES.join(', ')}, got "${family}"`);
if (protocol !== 'http' && protocol !== 'grpc') fail(`GENAI_PROTOCOL must be http or grpc, got "${protocol}"`);
if (!endpoint) fail('GENAI_OTLP_ENDPOINT is required');
if (!providerUrl) fail('GENAI_PROVIDER_URL is required');
for (const k of callKinds) if (!['chat', 'stream', 'embedding', 'error'].includes(k)) fail(`unknown call kind ${k}`);

// Content capture ON for the OTel instrumentation (read in its constructor).
if (family === 'otel') env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'true';

const api = require('@opentelemetry/api');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');

const hrToMs = (t) => t[0] * 1e3 + t[1] / 1e6;
const hrToNanos = (t) => (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();
const plain = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

/** Records every ended span in-process, so a test can compare with what the exporter delivered. */
const recorded = [];
/** Spans started and not (yet) ended — a library that never ends a span exports nothing for that call. */
const open = new Map();
const recorder = {
  onStart(span) {
    open.set(span, { name: span.name, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId });
  },
  onEnd(span) {
    open.delete(span);
    const ctx = span.spanContext();
    const start = hrToMs(span.startTime);
    recorded.push({
      name: span.name,
      kind: span.kind,
      kindName: api.SpanKind[span.kind],
      traceId: ctx.traceId,
      spanId: ctx.spanId,
      parentSpanId: span.parentSpanContext?.spanId,
      scope: { name: span.instrumentationScope?.name, version: span.instrumentationScope?.version },
      startTimeUnixNano: hrToNanos(span.startTime),
      endTimeUnixNano: hrToNanos(span.endTime),
      durationMs: hrToMs(span.endTime) - start,
      attributes: plain(span.attributes) ?? {},
      events: (span.events ?? []).map((e) => ({ name: e.name, attributes: plain(e.attributes) ?? {}, timeUnixNano: hrToNanos(e.time), offsetMs: hrToMs(e.time) - start })),
      status: { code: span.status.code, codeName: api.SpanStatusCode[span.status.code], message: span.status.message },
    });
  },
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/** Log records (the OTel instrumentation writes message content as log events, not on spans). */
const logRecords = [];
const loggerProvider = {
  getLogger: (name, version) => ({
    emit(record) {
      const spanContext = api.trace.getSpanContext(record.context ?? api.context.active());
      logRecords.push({
        scope: { name, version },
        eventName: record.eventName,
        severityNumber: record.severityNumber,
        attributes: plain(record.attributes) ?? {},
        body: plain(record.body),
        traceId: spanContext?.traceId,
        spanId: spanContext?.spanId,
      });
    },
    enabled: () => true,
  }),
};

function makeExporter() {
  if (protocol === 'http') {
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter({ url: endpoint, headers: auth ? { authorization: auth } : {} });
  }
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc');
  const grpc = require('@grpc/grpc-js');
  const metadata = new grpc.Metadata();
  if (auth) metadata.set('authorization', auth);
  return new OTLPTraceExporter({ url: endpoint, metadata });
}

/** Wraps the real exporter to count what it delivered and keep its failures. */
const exportStats = { batches: 0, spans: 0, failures: [] };
function countingExporter(inner) {
  return {
    export(spans, done) {
      inner.export(spans, (result) => {
        exportStats.batches += 1;
        if (result.code === 0) exportStats.spans += spans.length;
        else exportStats.failures.push(String(result.error?.message ?? result.error ?? 'export failed'));
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => (inner.forceFlush ? inner.forceFlush() : Promise.resolve()),
  };
}

const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': serviceName }),
  spanProcessors: [recorder, new BatchSpanProcessor(countingExporter(makeExporter()), { scheduledDelayMillis: 200 })],
});
provider.register();

const versions = {};
/** A package's version, found from its entry point (some packages do not export ./package.json). */
const pkgVersion = (name) => {
  try {
    let dir = path.dirname(require.resolve(name));
    for (;;) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (pkg.version && pkg.name) return pkg.version;
      }
      const up = path.dirname(dir);
      if (up === dir) return undefined;
      dir = up;
    }
  } catch {
    return undefined;
  }
};

let instrumentation;
if (family === 'otel') {
  const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');
  instrumentation = new OpenAIInstrumentation({ captureMessageContent: true });
  versions.instrumentation = `@opentelemetry/instrumentation-openai@${pkgVersion('@opentelemetry/instrumentation-openai')}`;
} else if (family === 'openinference') {
  const { OpenAIInstrumentation } = require('@arizeai/openinference-instrumentation-openai');
  instrumentation = new OpenAIInstrumentation({ tracerProvider: provider });
  versions.instrumentation = `@arizeai/openinference-instrumentation-openai@${pkgVersion('@arizeai/openinference-instrumentation-openai')}`;
} else if (family === 'traceloop') {
  const { OpenAIInstrumentation } = require('@traceloop/instrumentation-openai');
  instrumentation = new OpenAIInstrumentation({ traceContent: true });
  versions.instrumentation = `@traceloop/instrumentation-openai@${pkgVersion('@traceloop/instrumentation-openai')}`;
} else {
  const { OpenAIInstrumentation } = require('@traceloop/instrumentation-openai-legacy');
  instrumentation = new OpenAIInstrumentation({ traceContent: true });
  versions.instrumentation = `@traceloop/instrumentation-openai@${pkgVersion('@traceloop/instrumentation-openai-legacy')} (as @traceloop/instrumentation-openai-legacy)`;
}

// The standard wiring (what NodeSDK does): tracer, meter (the API's no-op one) and logger providers. The OTel
// instrumentation 0.21.0 needs setMeterProvider() after construction: its class field resets the histogram its
// base constructor created, so without it every call throws "Cannot read properties of undefined (reading 'record')".
registerInstrumentations({ instrumentations: [instrumentation], tracerProvider: provider, loggerProvider });

// Loaded only now, after the instrumentation registered its require hook.
const openaiModule = require('openai');
versions.openai = pkgVersion('openai');
if (family === 'traceloop-legacy') instrumentation.manuallyInstrument(openaiModule.OpenAI);
const OpenAI = openaiModule.OpenAI;
const client = new OpenAI({ apiKey: 'sk-fake-key', baseURL: providerUrl, maxRetries: 0, timeout: 15_000 });

async function runCall(kind) {
  switch (kind) {
    case 'chat': {
      const r = await client.chat.completions.create({
        model: chatModel,
        messages: [
          { role: 'system', content: 'You are a terse assistant.' },
          { role: 'user', content: 'What colour is the sky?' },
        ],
        temperature: 0.2,
        max_tokens: 64,
      });
      return { model: chatModel, response: { id: r.id, model: r.model, usage: r.usage, content: r.choices[0]?.message?.content } };
    }
    case 'stream': {
      const stream = await client.chat.completions.create({
        model: chatModel,
        messages: [{ role: 'user', content: 'Stream me a short answer, please.' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let content = '';
      let usage;
      let chunks = 0;
      let model;
      for await (const chunk of stream) {
        chunks += 1;
        model = chunk.model;
        content += chunk.choices[0]?.delta?.content ?? '';
        if (chunk.usage) usage = chunk.usage;
      }
      return { model: chatModel, response: { model, usage, content, chunks } };
    }
    case 'embedding': {
      const r = await client.embeddings.create({ model: embeddingModel, input: 'The quick brown fox' });
      return { model: embeddingModel, response: { model: r.model, usage: r.usage, dimensions: r.data[0]?.embedding?.length } };
    }
    case 'error': {
      try {
        await client.chat.completions.create({ model: 'rate-limited-model', messages: [{ role: 'user', content: 'This one is rate limited.' }] });
      } catch (err) {
        return { model: 'rate-limited-model', error: { name: err?.constructor?.name, status: err?.status, message: String(err?.message ?? err) } };
      }
      throw new Error('rate-limited-model call unexpectedly succeeded');
    }
  }
}

const calls = [];
for (const kind of callKinds) {
  const spanStart = recorded.length;
  const logStart = logRecords.length;
  let outcome;
  try {
    outcome = { ok: true, ...(await runCall(kind)) };
    if (outcome.error) outcome.ok = false;
  } catch (err) {
    outcome = { ok: false, model: undefined, error: { name: err?.constructor?.name, message: String(err?.message ?? err) } };
  }
  // Stream spans end after the iterator finishes; give every library a moment to end its span.
  await sleep(30);
  const spans = recorded.slice(spanStart);
  const logs = logRecords.slice(logStart);
  const unended = [...open.entries()].map(([span, info]) => ({ ...info, attributes: plain(span.attributes) ?? {} }));
  open.clear();
  calls.push({ kind, ...outcome, traceId: spans[0]?.traceId ?? unended[0]?.traceId, spans, logs, unended });
}

try {
  await provider.forceFlush();
} catch (err) {
  exportStats.failures.push(`forceFlush: ${String(err?.message ?? err)}`);
}
await provider.shutdown().catch((err) => exportStats.failures.push(`shutdown: ${String(err?.message ?? err)}`));

process.stdout.write(
  `${JSON.stringify({ family, protocol, serviceName, semconvOptIn: env.OTEL_SEMCONV_STABILITY_OPT_IN ?? null, versions, export: exportStats, calls })}\n`,
);

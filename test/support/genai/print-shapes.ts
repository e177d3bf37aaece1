/**
 * Self-check and shape report: starts the fake provider plus a tiny OTLP/HTTP (JSON) and OTLP/gRPC sink, runs
 * every GenAI instrumentation family through instrumented-app.mjs, checks that what reached the sink matches
 * what the SDK recorded, and writes what each library wrote to a Markdown report.
 *
 *   npx tsx test/support/genai/print-shapes.ts [out.md]     (default /tmp/genai-shapes.md)
 */
import * as grpc from '@grpc/grpc-js';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeProvider, type FakeCall } from './fake-provider.js';
import { GENAI_FAMILIES, runInstrumentedApp, type InstrumentedCall, type InstrumentedRun, type RecordedSpan } from './run-instrumented.js';

const out = process.argv[2] ?? '/tmp/genai-shapes.md';
const TRUNC = 200;

interface WireSpan {
  service: string;
  name: string;
  keys: string[];
}

async function startHttpSink() {
  const received: WireSpan[] = [];
  const authHeaders: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      authHeaders.push(req.headers.authorization);
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans?: { resource?: { attributes?: { key: string; value: { stringValue?: string } }[] }; scopeSpans?: { spans?: { name: string; attributes?: { key: string }[] }[] }[] }[];
        };
        for (const rs of body.resourceSpans ?? []) {
          const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) received.push({ service, name: s.name, keys: (s.attributes ?? []).map((a) => a.key).sort() });
        }
      } catch {
        /* counted as nothing received */
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/traces`, received, authHeaders, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function startGrpcSink() {
  const requests: { bytes: number; auth: string | undefined }[] = [];
  const server = new grpc.Server();
  const raw = (b: Buffer) => b;
  server.addService(
    {
      Export: {
        path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        requestStream: false,
        responseStream: false,
        requestSerialize: raw,
        requestDeserialize: raw,
        responseSerialize: raw,
        responseDeserialize: raw,
      },
    },
    {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        requests.push({ bytes: call.request.length, auth: call.metadata.get('authorization')[0]?.toString() });
        cb(null, Buffer.alloc(0));
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((r) => server.tryShutdown(() => r())) };
}

const trunc = (s: string) => (s.length > TRUNC ? `${s.slice(0, TRUNC)}… (${s.length} chars)` : s);
const show = (v: unknown) => trunc(typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v));
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Facts a reader of these spans wants, and the key patterns each family might use for them. */
const FACTS: [string, RegExp][] = [
  ['operation', /^(gen_ai\.operation\.name|llm\.request\.type|openinference\.span\.kind)$/],
  ['provider / system', /^(gen_ai\.provider\.name|gen_ai\.system|llm\.system|llm\.provider)$/],
  ['request model', /^(gen_ai\.request\.model|embedding\.model_name|llm\.invocation_parameters)$/],
  ['response model', /^(gen_ai\.response\.model|llm\.model_name)$/],
  ['input tokens', /^(gen_ai\.usage\.(input_tokens|prompt_tokens)|llm\.token_count\.prompt)$/],
  ['cached input tokens', /(cache_read|cached)/],
  ['cache write tokens', /(cache_write|cache_creation)/],
  ['output tokens', /^(gen_ai\.usage\.(output_tokens|completion_tokens)|llm\.token_count\.completion)$/],
  ['reasoning tokens', /reasoning/],
  ['total tokens', /total_tokens|token_count\.total/],
  ['TTFT', /(time_to_first|first_token|ttft)/i],
  ['input messages', /^(gen_ai\.input\.messages|gen_ai\.system_instructions|gen_ai\.prompt\..*|llm\.input_messages\..*|input\.value)$/],
  ['output messages', /^(gen_ai\.output\.messages|gen_ai\.completion\..*|llm\.output_messages\..*|output\.value)$/],
  ['finish reason', /finish_reason/],
  ['response id', /^gen_ai\.response\.id$/],
  ['error', /^(error\.type|exception\..*)$/],
];

function factCell(call: InstrumentedCall | undefined, re: RegExp, fact: string): string {
  if (!call) return '—';
  if (call.spans.length === 0) return call.unended.length ? '**span started, never ended**' : '**no span**';
  const span = call.spans[0] as RecordedSpan;
  const hits = Object.entries(span.attributes)
    .filter(([k]) => re.test(k))
    .map(([k, v]) => `\`${k}\`=${trunc(typeof v === 'string' ? v : JSON.stringify(v)).slice(0, 60)}`);
  const events = span.events.filter((e) => re.test(e.name) || Object.keys(e.attributes).some((k) => re.test(k))).map((e) => `event \`${e.name}\` @${e.offsetMs.toFixed(1)}ms`);
  if (fact === 'error' && span.status.code === 2) hits.push(`status ERROR "${trunc(span.status.message ?? '').slice(0, 60)}"`);
  if ((fact === 'input messages' || fact === 'output messages') && call.logs.length) {
    const names = [...new Set(call.logs.map((l) => String(l.eventName ?? l.attributes['event.name'])))];
    hits.push(`(log records: ${names.join(', ')})`);
  }
  const all = [...hits, ...events];
  return all.length ? cell(all.join('<br>')) : 'none';
}

function spanSection(call: InstrumentedCall, provider: FakeCall | undefined): string {
  const lines: string[] = [];
  lines.push(`#### ${call.kind} (model \`${call.model}\`)${call.ok ? '' : ` — client error: ${call.error?.name} ${call.error?.status ?? ''} "${trunc(call.error?.message ?? '')}"`}`);
  if (provider && 'usage' in provider) lines.push(`Provider answered: usage ${JSON.stringify(provider.usage)}${'responseModel' in provider ? `, response model \`${provider.responseModel}\`` : ''}${provider.kind === 'stream' && provider.firstChunkAt ? `, first chunk ${provider.firstChunkAt - provider.receivedAt} ms after request` : ''}`);
  if (call.spans.length === 0) lines.push('', '**No span was ended (nothing exported) for this call.**');
  for (const u of call.unended) lines.push('', `Started but never ended (never exported): **\`${u.name}\`** with ${Object.keys(u.attributes).length} attributes: ${cell(trunc(Object.keys(u.attributes).join(', ')))}`);
  for (const s of call.spans) {
    lines.push(
      '',
      `Span **\`${s.name}\`** — kind ${s.kindName} (${s.kind}), status ${s.status.codeName ?? s.status.code} (${s.status.code})${s.status.message ? ` message "${trunc(s.status.message)}"` : ''}, scope \`${s.scope.name}@${s.scope.version}\`, ${s.durationMs.toFixed(1)} ms${s.parentSpanId ? `, parent ${s.parentSpanId}` : ', root'}`,
      '',
      '| attribute | value |',
      '|---|---|',
      ...Object.entries(s.attributes).map(([k, v]) => `| \`${k}\` | ${cell(show(v))} |`),
    );
    if (s.events.length) {
      lines.push('', 'Events:', '');
      for (const e of s.events) lines.push(`- \`${e.name}\` at +${e.offsetMs.toFixed(1)} ms: ${cell(show(e.attributes))}`);
    } else lines.push('', 'Events: none');
  }
  if (call.logs.length) {
    lines.push('', `Log records emitted (not span events; exported only if the app has a LoggerProvider):`, '');
    for (const l of call.logs) lines.push(`- eventName ${JSON.stringify(l.eventName ?? null)}, attributes ${cell(show(l.attributes))}, body ${cell(show(l.body))}, in span ${l.spanId ?? '—'}`);
  }
  return lines.join('\n');
}

function attrKeySet(run: InstrumentedRun): string[] {
  return run.calls.map((c) => `${c.kind}: ${c.spans.map((s) => `${s.name}[${Object.keys(s.attributes).sort().join(',')}] events[${s.events.map((e) => e.name).join(',')}]`).join(' ; ')} logs[${c.logs.map((l) => JSON.stringify(l.attributes)).join(',')}]`);
}

async function main() {
  const provider = await startFakeProvider();
  const http = await startHttpSink();
  const grpcSink = await startGrpcSink();
  const checks: string[] = [];
  const runs = new Map<string, { run: InstrumentedRun; provided: FakeCall[] }>();
  try {
    for (const family of GENAI_FAMILIES) {
      const service = `shapes-${family}-http`;
      const before = provider.calls.length;
      const run = await runInstrumentedApp({ family, protocol: 'http', endpoint: http.url, providerUrl: provider.baseUrl, serviceName: service, auth: 'shape-token' });
      runs.set(family, { run, provided: provider.calls.slice(before) });
      const recorded = run.calls.flatMap((c) => c.spans);
      const wire = http.received.filter((w) => w.service === service);
      const same = recorded.length === wire.length && recorded.every((s) => wire.some((w) => w.name === s.name && w.keys.join() === Object.keys(s.attributes).sort().join()));
      checks.push(`- ${family}/http: ${recorded.length} spans recorded, ${wire.length} received as OTLP/JSON with service.name \`${service}\`; names and attribute keys ${same ? 'match' : '**DIFFER**'}; exporter: ${run.export.spans} spans ok, failures ${JSON.stringify(run.export.failures)}`);
    }
    checks.push(`- authorization header seen by the HTTP sink: ${JSON.stringify([...new Set(http.authHeaders)])}`);
    for (const family of GENAI_FAMILIES) {
      const before = grpcSink.requests.length;
      const run = await runInstrumentedApp({ family, protocol: 'grpc', endpoint: grpcSink.url, providerUrl: provider.baseUrl, serviceName: `shapes-${family}-grpc`, auth: 'shape-token' });
      const reqs = grpcSink.requests.slice(before);
      const same = JSON.stringify(attrKeySet(run)) === JSON.stringify(attrKeySet(runs.get(family)!.run));
      checks.push(`- ${family}/grpc: ${run.calls.flatMap((c) => c.spans).length} spans recorded, exporter ${run.export.spans} ok / failures ${JSON.stringify(run.export.failures)}, sink got ${reqs.length} Export request(s) (${reqs.reduce((n, r) => n + r.bytes, 0)} bytes, authorization metadata ${JSON.stringify([...new Set(reqs.map((r) => r.auth))])}); same span shapes as over HTTP: ${same ? 'yes' : '**no**'}`);
    }
    // The OTel family with and without the latest-experimental opt-in.
    const optOut = await runInstrumentedApp({ family: 'otel', protocol: 'http', endpoint: http.url, providerUrl: provider.baseUrl, serviceName: 'shapes-otel-default', semconvOptIn: null });
    const optIn = runs.get('otel')!.run;
    const a = attrKeySet(optOut);
    const b = attrKeySet(optIn);
    const diff = a.map((line, i) => (line === b[i] ? null : `  - default: ${line}\n  - opt-in:  ${b[i]}`)).filter(Boolean);
    checks.push(
      `- otel with OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental vs unset: ${diff.length === 0 ? 'identical span names, attribute keys, events and log records' : `differ:\n${diff.join('\n')}`}`,
    );
  } finally {
    await provider.close();
    await http.close();
    await grpcSink.close();
  }

  const doc: string[] = [];
  doc.push('# GenAI instrumentation shapes (generated)', '', `Generated by \`npx tsx test/support/genai/print-shapes.ts\` on ${new Date().toISOString()}.`, '');
  doc.push('## Versions', '');
  for (const [family, { run }] of runs) doc.push(`- **${family}**: ${run.versions.instrumentation}, openai@${run.versions.openai}, semconv opt-in: ${run.semconvOptIn ?? 'unset'}`);
  doc.push('', '## Self-check (exported vs recorded)', '', ...checks, '');
  doc.push('## Where each fact lives (first span of each call; `none` = the library records nothing for it)', '');
  for (const kind of ['chat', 'stream', 'embedding', 'error'] as const) {
    doc.push(`### ${kind}`, '', `| fact | ${[...runs.keys()].join(' | ')} |`, `|---|${[...runs.keys()].map(() => '---').join('|')}|`);
    for (const [fact, re] of FACTS) doc.push(`| ${fact} | ${[...runs.values()].map(({ run }) => factCell(run.calls.find((c) => c.kind === kind), re, fact)).join(' | ')} |`);
    doc.push('');
  }
  doc.push('## Every span, attribute, event and log record', '');
  for (const [family, { run, provided }] of runs) {
    doc.push(`### ${family} — ${run.versions.instrumentation}`, '');
    for (const call of run.calls) {
      const p = provided.find((c) => c.kind === call.kind);
      doc.push(spanSection(call, p), '');
    }
  }
  writeFileSync(out, doc.join('\n'));
  console.log(`wrote ${out}`);
  console.log(checks.join('\n'));
}

await main();

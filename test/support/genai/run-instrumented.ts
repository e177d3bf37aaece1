/**
 * Runs instrumented-app.mjs (the real `openai` client patched by one real GenAI instrumentation, exporting with
 * the real OTLP exporter) as a child process and returns its parsed report: what each call did and every span
 * the SDK ended (recorded in-process, the same spans the exporter sent).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const GENAI_FAMILIES = ['otel', 'openinference', 'traceloop', 'traceloop-legacy'] as const;
export type GenAiFamily = (typeof GENAI_FAMILIES)[number];
export type GenAiCallKind = 'chat' | 'stream' | 'embedding' | 'error';

export interface RunInstrumentedOptions {
  family: GenAiFamily;
  protocol: 'http' | 'grpc';
  /** http: the full `…/v1/traces` URL; grpc: `http://127.0.0.1:PORT`. */
  endpoint: string;
  /** The fake provider's base URL (`…/v1`), from startFakeProvider(). */
  providerUrl: string;
  serviceName?: string;
  /** Sent as the `authorization` header (HTTP) or metadata (gRPC). */
  auth?: string;
  /** Which calls, in order (default chat, stream, embedding, error). */
  calls?: GenAiCallKind[];
  chatModel?: string;
  embeddingModel?: string;
  /**
   * OTEL_SEMCONV_STABILITY_OPT_IN for the child. Default: `gen_ai_latest_experimental` for `otel`, unset otherwise.
   * (@opentelemetry/instrumentation-openai 0.21.0 does not read it: the output is the same either way.)
   */
  semconvOptIn?: string | null;
  /** Extra environment for the child. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

const attrValue: z.ZodType<unknown> = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))]);

export const recordedSpanSchema = z.object({
  name: z.string(),
  kind: z.number().int(),
  kindName: z.string(),
  traceId: z.string().regex(/^[0-9a-f]{32}$/),
  spanId: z.string().regex(/^[0-9a-f]{16}$/),
  parentSpanId: z.string().optional(),
  scope: z.object({ name: z.string().optional(), version: z.string().optional() }),
  startTimeUnixNano: z.string(),
  endTimeUnixNano: z.string(),
  durationMs: z.number(),
  attributes: z.record(z.string(), attrValue),
  events: z.array(z.object({ name: z.string(), attributes: z.record(z.string(), attrValue), timeUnixNano: z.string(), offsetMs: z.number() })),
  status: z.object({ code: z.number().int(), codeName: z.string().optional(), message: z.string().optional() }),
});
export type RecordedSpan = z.infer<typeof recordedSpanSchema>;

export const recordedLogSchema = z.object({
  scope: z.object({ name: z.string().optional(), version: z.string().optional() }),
  eventName: z.string().optional(),
  severityNumber: z.number().optional(),
  attributes: z.record(z.string(), z.unknown()),
  body: z.unknown(),
  traceId: z.string().optional(),
  spanId: z.string().optional(),
});
export type RecordedLog = z.infer<typeof recordedLogSchema>;

export const instrumentedCallSchema = z.object({
  kind: z.enum(['chat', 'stream', 'embedding', 'error']),
  ok: z.boolean(),
  model: z.string().optional(),
  /** What the openai client returned (ids, model, usage, content) — for comparison with the spans. */
  response: z.record(z.string(), z.unknown()).optional(),
  error: z.object({ name: z.string().optional(), status: z.number().optional(), message: z.string() }).optional(),
  /** The first span's trace id; undefined when the library wrote no span for the call. */
  traceId: z.string().optional(),
  spans: z.array(recordedSpanSchema),
  /** Log records the instrumentation emitted (the OTel one puts message content here, not on the span). */
  logs: z.array(recordedLogSchema),
  /** Spans the library started for this call but never ended (so never exported), e.g. on a 429. */
  unended: z.array(z.object({ name: z.string(), traceId: z.string(), spanId: z.string(), attributes: z.record(z.string(), attrValue) })),
});
export type InstrumentedCall = z.infer<typeof instrumentedCallSchema>;

export const instrumentedRunSchema = z.object({
  family: z.enum(GENAI_FAMILIES),
  protocol: z.enum(['http', 'grpc']),
  serviceName: z.string(),
  semconvOptIn: z.string().nullable(),
  versions: z.object({ instrumentation: z.string(), openai: z.string().optional() }),
  /** What the wrapped OTLP exporter reported: batches sent, spans delivered, failure messages. */
  export: z.object({ batches: z.number(), spans: z.number(), failures: z.array(z.string()) }),
  calls: z.array(instrumentedCallSchema),
});
export type InstrumentedRun = z.infer<typeof instrumentedRunSchema>;

export const INSTRUMENTED_APP = fileURLToPath(new URL('./instrumented-app.mjs', import.meta.url));

export async function runInstrumentedApp(opts: RunInstrumentedOptions): Promise<InstrumentedRun> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const semconv = opts.semconvOptIn === undefined ? (opts.family === 'otel' ? 'gen_ai_latest_experimental' : null) : opts.semconvOptIn;
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  // Never inherit OTel configuration from the test runner's environment.
  for (const k of Object.keys(env)) if (k.startsWith('OTEL_') || k.startsWith('GENAI_')) delete env[k];
  Object.assign(env, {
    GENAI_FAMILY: opts.family,
    GENAI_PROTOCOL: opts.protocol,
    GENAI_OTLP_ENDPOINT: opts.endpoint,
    GENAI_PROVIDER_URL: opts.providerUrl,
    GENAI_SERVICE_NAME: opts.serviceName ?? `genai-${opts.family}`,
    ...(opts.auth ? { GENAI_OTLP_AUTH: opts.auth } : {}),
    ...(opts.calls ? { GENAI_CALLS: opts.calls.join(',') } : {}),
    ...(opts.chatModel ? { GENAI_CHAT_MODEL: opts.chatModel } : {}),
    ...(opts.embeddingModel ? { GENAI_EMBEDDING_MODEL: opts.embeddingModel } : {}),
    ...(semconv ? { OTEL_SEMCONV_STABILITY_OPT_IN: semconv } : {}),
    ...Object.fromEntries(Object.entries(opts.env ?? {}).filter(([k]) => k.startsWith('OTEL_') || k.startsWith('GENAI_'))),
  });

  const child = spawn(process.execPath, [INSTRUMENTED_APP], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const describe = () => `${opts.family}/${opts.protocol}`;

  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`instrumented app ${describe()} timed out after ${timeoutMs} ms\nstderr:\n${stderr}\nstdout:\n${stdout}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  if (code !== 0) throw new Error(`instrumented app ${describe()} exited with ${code}\nstderr:\n${stderr}\nstdout:\n${stdout}`);
  const line = stdout.trim().split('\n').filter(Boolean).at(-1);
  if (!line) throw new Error(`instrumented app ${describe()} printed nothing\nstderr:\n${stderr}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    throw new Error(`instrumented app ${describe()} printed no JSON (${String(err)}): ${line.slice(0, 500)}\nstderr:\n${stderr}`, { cause: err });
  }
  const result = instrumentedRunSchema.safeParse(parsed);
  if (!result.success) throw new Error(`instrumented app ${describe()} printed an unexpected shape: ${result.error.message}\nstderr:\n${stderr}`);
  return result.data;
}

/** All spans of a run, in the order they ended. */
export const allSpans = (run: InstrumentedRun): RecordedSpan[] => run.calls.flatMap((c) => c.spans);

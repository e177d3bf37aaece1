import { z } from 'zod';
import { OTLP_PROTOCOLS } from './profile-schema.js';

export const TestTraceStage = z.object({
  stage: z.enum(['sent', 'accepted', 'queryable']),
  status: z.enum(['pending', 'passed', 'failed', 'skipped']),
  /** Milliseconds since the run started when this stage ended. */
  atMs: z.number().int().nonnegative().nullable(),
  detail: z.string(),
});

export const TestTraceResult = z.object({
  id: z.string(),
  profileId: z.string(),
  profileName: z.string(),
  traceId: z.string().regex(/^[0-9a-f]{32}$/),
  serviceName: z.string(),
  /** How it was sent (the profile's protocol); older history entries were all OTLP/HTTP with JSON. */
  protocol: z.enum(OTLP_PROTOCOLS).default('http/json'),
  startedAt: z.number().int(),
  ok: z.boolean(),
  /** The whole run in one sentence, and what to change when it failed. */
  summary: z.string(),
  fix: z.string().nullable(),
  stages: z.array(TestTraceStage),
  /** End-to-end: from sending to queryable, when it landed. */
  latencyMs: z.number().int().nonnegative().nullable(),
  spans: z.array(z.object({ spanId: z.string(), parentSpanId: z.string(), name: z.string(), durationNs: z.string() })),
  hyperdxUrl: z.string().nullable(),
});
export type TestTraceResult = z.infer<typeof TestTraceResult>;
export type TestTraceStage = z.infer<typeof TestTraceStage>;

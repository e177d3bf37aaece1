import { z } from 'zod';

export const PIPELINE_STATES = ['Healthy', 'Idle', 'Stalled', 'Degraded', 'Down', 'Unconfigured'] as const;
export type PipelineStateName = (typeof PIPELINE_STATES)[number];

const Component = z.object({
  ok: z.boolean().nullable(),
  detail: z.string(),
  at: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
});

export const PipelineStatus = z.object({
  profileId: z.string(),
  profileName: z.string(),
  state: z.enum(PIPELINE_STATES),
  /** One sentence: why the pipeline is in this state. */
  reason: z.string(),
  since: z.number().int(),
  components: z.object({ collector: Component, otlp: Component, clickhouse: Component, canary: Component }),
  newestSpanAt: z.number().int().nullable(),
  spansPerMinute: z.array(z.object({ minute: z.number().int(), spans: z.number().int() })),
  canaryLatencies: z.array(z.object({ at: z.number().int(), latencyMs: z.number().int().nullable() })),
});
export type PipelineStatus = z.infer<typeof PipelineStatus>;

export const Incident = z.object({
  profileId: z.string(),
  profileName: z.string(),
  state: z.enum(PIPELINE_STATES),
  reason: z.string(),
  startedAt: z.number().int(),
  endedAt: z.number().int().nullable(),
  notified: z.boolean(),
});
export type Incident = z.infer<typeof Incident>;

export const PipelineNotification = z.object({ profileId: z.string(), title: z.string(), body: z.string() });
export type PipelineNotification = z.infer<typeof PipelineNotification>;

import { z } from 'zod';

export const PIPELINE_STATES = ['Healthy', 'Idle', 'Stalled', 'Degraded', 'Down', 'Unconfigured'] as const;
export type PipelineStateName = (typeof PIPELINE_STATES)[number];

/**
 * Why a probe failed, as a kind programs branch on (the state, the tile's tone) — never read
 * back from its sentence. storage: spans cannot be stored now (a full disk); damaged: stored
 * data was found unreadable.
 */
export const PROBE_FAILURE_KINDS = ['unreachable', 'timeout', 'auth', 'rejected', 'unconfigured', 'storage', 'damaged'] as const;
export type ProbeFailureKind = (typeof PROBE_FAILURE_KINDS)[number];

/**
 * How each state looks, in the tray and in the window alike: the one table both read.
 * ok green, idle grey, warn amber, bad red.
 */
export type PipelineTone = 'ok' | 'idle' | 'warn' | 'bad';
export const STATE_TONE: Record<PipelineStateName, PipelineTone> = {
  Healthy: 'ok',
  Idle: 'idle',
  Unconfigured: 'idle',
  Degraded: 'warn',
  Stalled: 'bad',
  Down: 'bad',
};

/** One probe's tile, in the order of the probe registry (a new probe brings its own id and title). */
const Component = z.object({
  id: z.string().max(64),
  title: z.string().max(120),
  ok: z.boolean().nullable(),
  detail: z.string(),
  /** The failure's kind when `ok` is false. */
  failure: z.enum(PROBE_FAILURE_KINDS).nullable(),
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
  components: z.array(Component).max(32),
  newestSpanAt: z.number().int().nullable(),
  spansPerMinute: z.array(z.object({ minute: z.number().int(), spans: z.number().int() })),
  canaryLatencies: z.array(z.object({ at: z.number().int(), latencyMs: z.number().int().nullable() })),
});
export type PipelineStatus = z.infer<typeof PipelineStatus>;

/** Where an alert's incident comes from: the rule, the scope it fired for, and the search for the requests behind it. */
export const IncidentAlert = z.object({
  ruleId: z.string(),
  ruleName: z.string(),
  scope: z.string(),
  explore: z.object({ query: z.string().max(2000), fromMs: z.number().int().nonnegative(), toMs: z.number().int().nonnegative() }),
});

export const Incident = z.object({
  profileId: z.string(),
  profileName: z.string(),
  /** A pipeline state, or Alert for an alert rule's incident. */
  state: z.enum([...PIPELINE_STATES, 'Alert']),
  reason: z.string(),
  startedAt: z.number().int(),
  endedAt: z.number().int().nullable(),
  notified: z.boolean(),
  /** Why it was not announced: notifications paused, the limit of its kind reached, or a profile still being set up. */
  unannounced: z.enum(['paused', 'limit', 'setting-up']).nullable().default(null),
  alert: IncidentAlert.nullable().default(null),
});
export type Incident = z.infer<typeof Incident>;

export const PipelineNotification = z.object({
  profileId: z.string(),
  title: z.string(),
  body: z.string(),
  /** An alert's notification opens Explore on the requests behind it; others open Health. */
  explore: IncidentAlert.shape.explore.optional(),
});
export type PipelineNotification = z.infer<typeof PipelineNotification>;

import { z } from 'zod';

export const STEP_IDS = ['clickhouse', 'collector', 'otlp', 'truefoundry', 'spans'] as const;
export type StepId = (typeof STEP_IDS)[number];

export const StepResult = z.object({
  step: z.enum(STEP_IDS),
  status: z.enum(['passed', 'failed']),
  /** One sentence: what was found. */
  summary: z.string(),
  /** What to change, when it failed. */
  fix: z.string().nullable(),
  facts: z.array(z.object({ label: z.string(), value: z.string() })),
  durationMs: z.number().int().nonnegative(),
});
export type StepResult = z.infer<typeof StepResult>;

export function passed(step: StepId, summary: string, facts: StepResult['facts'] = [], durationMs = 0): StepResult {
  return { step, status: 'passed', summary, fix: null, facts, durationMs };
}

export function failed(step: StepId, summary: string, fix: string, facts: StepResult['facts'] = [], durationMs = 0): StepResult {
  return { step, status: 'failed', summary, fix, facts, durationMs };
}

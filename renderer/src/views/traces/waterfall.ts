import type { FullTraceSpan } from '../../../../electron/shared/trace-queries-schema';

/** A span as the trace view and its panels read it: every fact present (the wire leaves empty ones out). */
export type FullSpan = FullTraceSpan;

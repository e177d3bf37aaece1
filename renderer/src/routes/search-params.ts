import { z } from 'zod';

/**
 * Every view's state lives in the URL's search, as plain text (`?q=status:error&range=1h`), the way
 * HyperDX writes it. Each field falls back to its default instead of failing, so an old or
 * hand-edited link still opens.
 */
export const RANGES = { '15m': 15 * 60_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 } as const;
export type RangeId = keyof typeof RANGES;
const RANGE_IDS = Object.keys(RANGES) as [RangeId, ...RangeId[]];
export const SUMMARY_TABS = ['models', 'users', 'mcp', 'time'] as const;
export type SummaryTab = (typeof SUMMARY_TABS)[number];

const flag = z.preprocess((v) => v === true || v === 'true' || v === '1', z.boolean());
const epochMs = z.coerce.number().int().nonnegative().optional().catch(undefined);

/** What any list with a drawer shares: the shown kind, the open trace (and span) or conversation. */
const drawerFields = {
  show: z.enum(['requests', 'spans']).catch('requests'),
  all: flag.catch(false),
  trace: z.string().regex(/^[0-9a-f]{32}$/).optional().catch(undefined),
  /** The time of the row the trace was opened from: its lookup reads around it, not thirty days. */
  at: epochMs,
  span: z.string().regex(/^[0-9a-f]{16}$/).optional().catch(undefined),
  conv: z.string().min(1).max(512).optional().catch(undefined),
};

export const exploreSearchSchema = z.object({
  q: z.string().max(2000).catch(''),
  lang: z.enum(['lucene', 'sql']).catch('lucene'),
  /** A relative range; `from` and `to` together make an absolute one instead (alert links send them). */
  range: z.enum(RANGE_IDS).catch('1h'),
  from: epochMs,
  to: epochMs,
  tab: z.enum(SUMMARY_TABS).catch('models'),
  /** Relative ranges re-run every AUTO_REFRESH_MS when on. */
  refresh: flag.catch(false),
  ...drawerFields,
});
export type ExploreSearch = z.infer<typeof exploreSearchSchema>;

export const tailSearchSchema = z.object({ q: z.string().max(2000).catch(''), ...drawerFields });
export type TailSearch = z.infer<typeof tailSearchSchema>;

/** The defaults, left out of the URL so a plain link stays short. */
export const EXPLORE_DEFAULTS = exploreSearchSchema.parse({});
export const TAIL_DEFAULTS = tailSearchSchema.parse({});

/** URL text to a record of strings, and back, leaving out what is unset. */
export function parseSearchText(text: string): Record<string, unknown> {
  return Object.fromEntries(new URLSearchParams(text.startsWith('?') ? text.slice(1) : text));
}

export function stringifySearch(search: Record<string, unknown>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(search)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const text = p.toString();
  return text ? `?${text}` : '';
}

/** An old trace address, `#/explore/trace/<id>@<ms>`, as search fields. */
export function traceRef(ref: string): { trace?: string; at?: number } {
  const m = /^([0-9a-f]{32})(?:@(\d{1,16}))?$/.exec(ref);
  return m ? { trace: m[1], at: m[2] ? Number(m[2]) : undefined } : {};
}

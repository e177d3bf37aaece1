/**
 * The one API contract between the renderer and the app, whatever carries it
 * (Electron IPC or the web bridge). Every method and event has a zod schema that
 * both ends check, so a payload that crosses a process boundary is never trusted.
 */
import { z } from 'zod';
import { ProfileFields } from './profile-schema.js';
import { STEP_IDS, StepResult } from './step-result.js';
import { SECRET_KINDS } from './secret-vault-kinds.js';
import { TestTraceResult } from './test-trace-result.js';
import { TraceColumns } from './trace-columns.js';
import { Incident, PipelineNotification, PipelineStatus } from './pipeline-status.js';
import { SpanRow } from './span-row.js';
import { Conversation, ModelSummaryRow, QueryProgress, RequestCursor, RequestSearchResult, SearchFields, SearchResult, SpanPayload, TraceSpan, TrafficSummary } from './trace-queries-schema.js';
import { RequestRow } from './request-row.js';
import { ModelPrice, PriceAnswer, PriceOverride, PriceSource } from './price-schema.js';
import { AlertPreview, AlertRule, AlertStatus, ExploreSearch } from './alert-rules.js';

export const TransportKind = z.enum(['electron', 'web']);

export const AppInfo = z.object({
  name: z.literal('clickstack-tray'),
  version: z.string(),
  transport: TransportKind,
  platform: z.string(),
  runtime: z.string(),
  dataDir: z.string(),
});

export const SandboxState = z.enum(['disabled', 'starting', 'running', 'stopped', 'crashed']);

export const SandboxStatus = z.object({
  state: SandboxState,
  /** One sentence a person can act on. */
  detail: z.string(),
  endpoints: z
    .object({ otlp: z.string().url(), otlpGrpc: z.string().regex(/^[\w.-]+:\d{1,5}$/, 'host:port'), clickhouse: z.string().url(), health: z.string().url() })
    .nullable(),
  dataDir: z.string().nullable(),
  since: z.number().int(),
});

export const ProfileView = ProfileFields.extend({
  id: z.string(),
  kind: z.enum(['sandbox', 'remote']),
  healthUrl: z.string().nullable(),
  /** Whether a secret is stored; its value never crosses to the renderer. */
  passwordSet: z.boolean(),
  tokenSet: z.boolean(),
  warnings: z.array(z.string()),
});

export const VaultStatus = z.object({ backend: z.enum(['keychain', 'memory', 'none']), detail: z.string() });

export const ProfilesState = z.object({
  activeProfileId: z.string(),
  profiles: z.array(ProfileView),
  /** Set when the settings file was unusable and was moved aside. */
  loadProblem: z.string().nullable(),
  vault: VaultStatus,
});

export const SetupGuide = z.object({
  dockerRun: z.string(),
  /** Why the command differs from the plain one (a ClickHouse on this machine), or null. */
  dockerNote: z.string().nullable(),
  truefoundryPath: z.string(),
  truefoundry: z.array(z.object({ label: z.string(), value: z.string(), secret: z.boolean() })),
  warnings: z.array(z.string()),
});

export { StepResult, TestTraceResult, PipelineStatus, Incident, PipelineNotification, SpanRow, QueryProgress, RequestCursor, SearchResult, TraceSpan, ModelSummaryRow, RequestRow, RequestSearchResult, TrafficSummary, Conversation, SpanPayload, SearchFields };

export const VIEW_IDS = ['setup', 'health', 'tail', 'explore', 'settings'] as const;

const Empty = z.object({}).strict();
const ProfileId = z.string().min(1).max(64);
const SecretValue = z.string().min(1, 'the secret is empty').max(4096, 'the secret is longer than 4096 characters');
const Url = z.string().max(2048).url();
const SearchLanguageInput = z.enum(['lucene', 'sql']).default('lucene');
const TraceIdInput = z.string().regex(/^[0-9a-f]{32}$/, 'a trace id is 32 hex characters');
/** Names a long query so the page can follow its progress (query.progress) and stop it (query.cancel). */
const QueryIdInput = z.string().regex(/^[0-9a-f-]{8,64}$/i, 'a query id is a UUID');

/** A profile's alert rules, and whether they are still the defaults. */
export const ProfileAlertRules = z.object({ profileId: z.string(), rules: z.array(AlertRule), defaults: z.boolean() });
const RuleId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'a rule id has lowercase letters, digits and -');

export const LoginItemState = z.object({ supported: z.boolean(), enabled: z.boolean(), detail: z.string() });

/** Request/response pairs. Inputs are strict: unknown keys are refused, not ignored. */
export const methods = {
  'app.getInfo': { input: Empty, output: AppInfo },
  'app.openExternal': {
    input: z.object({ url: Url.refine((u) => /^https?:\/\//i.test(u), 'only http(s) links open') }).strict(),
    output: z.object({ opened: z.boolean() }),
  },
  /** Start at login, as the OS has it (read back, not remembered); unsupported outside the desktop app. */
  'app.getLoginItem': { input: Empty, output: LoginItemState },
  'app.setLoginItem': { input: z.object({ enabled: z.boolean() }).strict(), output: LoginItemState },
  'sandbox.getStatus': { input: Empty, output: SandboxStatus },
  'sandbox.restart': { input: Empty, output: SandboxStatus },
  'profiles.list': { input: Empty, output: ProfilesState },
  'profiles.create': { input: z.object({ fields: ProfileFields.strict() }).strict(), output: ProfileView },
  'profiles.update': { input: z.object({ id: ProfileId, fields: ProfileFields.strict() }).strict(), output: ProfileView },
  'profiles.duplicate': { input: z.object({ id: ProfileId }).strict(), output: ProfileView },
  'profiles.delete': { input: z.object({ id: ProfileId }).strict(), output: ProfilesState },
  'profiles.activate': { input: z.object({ id: ProfileId }).strict(), output: ProfilesState },
  'secrets.set': { input: z.object({ profileId: ProfileId, kind: z.enum(SECRET_KINDS), value: SecretValue }).strict(), output: z.object({ set: z.literal(true) }) },
  'secrets.clear': { input: z.object({ profileId: ProfileId, kind: z.enum(SECRET_KINDS) }).strict(), output: z.object({ set: z.literal(false) }) },
  /** Puts a secret on the OS clipboard from the main process: its value never reaches the page. */
  'secrets.copy': { input: z.object({ profileId: ProfileId, kind: z.enum(SECRET_KINDS) }).strict(), output: z.object({ copied: z.boolean(), detail: z.string() }) },
  'vault.useMemory': { input: Empty, output: ProfilesState },
  'setup.guide': { input: z.object({ profileId: ProfileId }).strict(), output: SetupGuide },
  'setup.runStep': { input: z.object({ profileId: ProfileId, step: z.enum(STEP_IDS) }).strict(), output: StepResult },
  'testTrace.run': { input: z.object({ profileId: ProfileId, useGatewayServiceName: z.boolean().default(false) }).strict(), output: TestTraceResult },
  'testTrace.history': { input: Empty, output: z.array(TestTraceResult) },
  'pipeline.statuses': { input: Empty, output: z.array(PipelineStatus) },
  'pipeline.checkNow': { input: z.object({ profileId: ProfileId }).strict(), output: PipelineStatus },
  'pipeline.incidents': { input: Empty, output: z.object({ incidents: z.array(Incident), pausedUntil: z.number().int() }) },
  'pipeline.pauseNotifications': { input: z.object({ minutes: z.number().int().min(0).max(1440) }).strict(), output: z.object({ pausedUntil: z.number().int() }) },
  'tail.start': {
    input: z.object({ profileId: ProfileId, query: z.string().max(2000).default(''), allServices: z.boolean().default(false) }).strict(),
    output: z.object({ sessionId: z.string(), spans: z.array(SpanRow), strategy: z.object({ name: z.enum(['block-cursor', 'covered-blocks', 'time-window']), detail: z.string() }) }),
  },
  'tail.stop': { input: z.object({ sessionId: z.string().max(64) }).strict(), output: z.object({ stopped: z.boolean() }) },
  'traces.search': {
    input: z
      .object({ profileId: ProfileId, query: z.string().max(2000).default(''), fromMs: z.number().int().nonnegative(), toMs: z.number().int().nonnegative(), limit: z.number().int().min(1).max(1000).default(200), allServices: z.boolean().default(false), language: SearchLanguageInput, queryId: QueryIdInput.optional() })
      .strict(),
    output: SearchResult,
  },
  /** A whole trace, one array per field (shared/trace-columns.ts): the waterfall's first answer at 50,000 spans. */
  'traces.get': { input: z.object({ profileId: ProfileId, traceId: TraceIdInput, aroundMs: z.number().int().optional() }).strict(), output: TraceColumns },
  'traces.requests': {
    input: z
      .object({
        profileId: ProfileId,
        query: z.string().max(2000).default(''),
        fromMs: z.number().int().nonnegative(),
        toMs: z.number().int().nonnegative(),
        limit: z.number().int().min(1).max(1000).default(200),
        allServices: z.boolean().default(false),
        language: SearchLanguageInput,
        /** The next page: requests older than this one (the previous page's `next`). */
        before: RequestCursor.optional(),
        queryId: QueryIdInput.optional(),
      })
      .strict(),
    output: RequestSearchResult,
  },
  'traces.fields': { input: z.object({ profileId: ProfileId }).strict(), output: SearchFields },
  /** The summaries of the requests a search finds (all requests for an empty query) in the window. */
  'traces.summary': {
    input: z
      .object({
        profileId: ProfileId,
        query: z.string().max(2000).default(''),
        language: SearchLanguageInput,
        fromMs: z.number().int().nonnegative(),
        toMs: z.number().int().nonnegative(),
        allServices: z.boolean().default(false),
        /** The newest part of a slow window first (`partial`, `coveredFromMs`); a quick one whole (summary-preview.ts). */
        preview: z.boolean().default(false),
        queryId: QueryIdInput.optional(),
      })
      .strict(),
    output: TrafficSummary,
  },
  /** Stops a query started with this queryId, on the server too; a newer search of a view cancels the older one. */
  'query.cancel': { input: z.object({ queryId: QueryIdInput }).strict(), output: z.object({ cancelled: z.boolean(), detail: z.string() }) },
  /** The price catalog's name and version, and the user's prices per model (Settings). */
  'prices.get': { input: Empty, output: PriceSource },
  /** Sets the user's price for a model (used instead of the catalog's for estimates). */
  'prices.setOverride': { input: z.object({ model: PriceOverride.shape.model, price: ModelPrice.strict() }).strict(), output: PriceSource },
  'prices.removeOverride': { input: z.object({ model: PriceOverride.shape.model }).strict(), output: PriceSource },
  /** What an estimate would use for these models (the live tail prices requests as they fold). */
  'prices.lookup': { input: z.object({ items: z.array(z.object({ provider: z.string().max(200), model: z.string().min(1).max(200) }).strict()).min(1).max(200) }).strict(), output: z.object({ catalog: z.string(), prices: z.array(PriceAnswer) }) },
  /** A profile's alert rules (the defaults until edited). */
  'alerts.rules': { input: z.object({ profileId: ProfileId }).strict(), output: ProfileAlertRules },
  /** Adds a rule, or replaces the profile's rule with the same id. */
  'alerts.saveRule': { input: z.object({ profileId: ProfileId, rule: AlertRule }).strict(), output: ProfileAlertRules },
  'alerts.removeRule': { input: z.object({ profileId: ProfileId, ruleId: RuleId }).strict(), output: ProfileAlertRules },
  'alerts.resetRules': { input: z.object({ profileId: ProfileId }).strict(), output: ProfileAlertRules },
  /** How often a rule would have fired over the last 24 h. */
  'alerts.preview': { input: z.object({ profileId: ProfileId, rule: AlertRule }).strict(), output: AlertPreview },
  /** Each profile's rules, last evaluated: each scope's value against its threshold. */
  'alerts.status': { input: Empty, output: z.array(AlertStatus) },
  /** Evaluates a profile's rules now. */
  'alerts.evaluate': { input: z.object({ profileId: ProfileId }).strict(), output: AlertStatus },
  'traces.conversation': { input: z.object({ profileId: ProfileId, conversationId: z.string().min(1).max(512), aroundMs: z.number().int().nonnegative().optional() }).strict(), output: Conversation },
  'traces.payload': {
    input: z.object({ profileId: ProfileId, traceId: TraceIdInput, spanId: z.string().regex(/^[0-9a-f]{16}$/, 'a span id is 16 hex characters'), aroundMs: z.number().int().optional() }).strict(),
    output: SpanPayload,
  },
} as const;

/** Main-to-renderer events. */
export const events = {
  'sandbox.status': SandboxStatus,
  'profiles.changed': ProfilesState,
  /** A test trace's stages as they complete. */
  'testTrace.progress': TestTraceResult,
  'pipeline.status': PipelineStatus,
  /** Shown in the page by the web bridge; the Electron shell shows a native notification instead. */
  'pipeline.notification': PipelineNotification,
  /** Notifications paused until this time (0: not paused); the tray and every window show the same. */
  'pipeline.paused': z.object({ pausedUntil: z.number().int() }),
  /** The shell asks the page to show a view (a notification was clicked). */
  'app.navigate': z.object({ view: z.enum(VIEW_IDS), explore: ExploreSearch.optional() }),
  /** New spans of a live tail session. */
  'tail.batch': z.object({ sessionId: z.string(), spans: z.array(SpanRow), rowsRead: z.number().int() }),
  /** A tail session lost ClickHouse (live: false, with why) or got it back; sent on each change only. */
  'tail.state': z.object({ sessionId: z.string(), live: z.boolean(), detail: z.string().max(500) }),
  /** A profile's rules were evaluated. */
  'alerts.status': AlertStatus,
  /** A query started with a queryId is still running: what the server has read so far (every ~0.5 s after its first second). */
  'query.progress': QueryProgress,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/** The object the renderer holds. It never learns which transport carries it. */
export interface TrayApi {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  readonly transport: z.infer<typeof TransportKind>;
}

/** Error shape that crosses a boundary: a code a program can branch on and a sentence for a person. */
export const ApiErrorBody = z.object({
  error: z.object({
    // 'cancelled': the call was stopped (a Cancel, or a newer search in its place); nothing failed.
    code: z.enum(['bad_request', 'unknown_method', 'unauthorized', 'forbidden', 'unavailable', 'cancelled', 'internal']),
    message: z.string(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export class ContractError extends Error {
  constructor(
    readonly code: ApiErrorBody['error']['code'],
    message: string,
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

/** Turns a zod failure into one sentence that names the field, e.g. `url: Invalid URL`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : 'payload'}: ${i.message}`)
    .join('; ');
}

export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;

export function parseInput<M extends MethodName>(method: M, input: unknown): ParsedInput<M> {
  const result = methods[method].input.safeParse(input);
  if (!result.success) throw new ContractError('bad_request', `Invalid input for ${method}: ${describeIssues(result.error)}`);
  return result.data as ParsedInput<M>;
}

export function parseOutput<M extends MethodName>(method: M, output: unknown): MethodOutput<M> {
  const result = methods[method].output.safeParse(output);
  if (!result.success) throw new ContractError('internal', `Invalid result from ${method}: ${describeIssues(result.error)}`);
  return result.data as MethodOutput<M>;
}

export function parseEvent<E extends EventName>(event: E, payload: unknown): EventPayload<E> {
  const result = events[event].safeParse(payload);
  if (!result.success) throw new ContractError('internal', `Invalid payload for event ${event}: ${describeIssues(result.error)}`);
  return result.data as EventPayload<E>;
}

/** A pipeline profile: everything about one TrueFoundry → ClickStack pipeline except its secrets. */
import { z } from 'zod';
import { PriceOverride } from './price-schema.js';
import { AlertRules } from './alert-rules.js';

export const DEFAULT_SERVICE_NAME = 'tfy-llm-gateway';
export const SANDBOX_PROFILE_ID = 'local-sandbox';

/** An http(s) URL; its error shows an example of the address asked for (a ClickHouse URL is not shaped like an OTLP endpoint). */
const httpUrl = (example: string) =>
  z
    .string()
    .trim()
    .max(2048)
    .url(`must be a full URL such as ${example}`)
    .refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://');

/** How the gateway exports (TrueFoundry's OTEL Config: HTTP with encoding Json or Proto, or gRPC). */
export const OTLP_PROTOCOLS = ['http/json', 'http/protobuf', 'grpc'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];
export const OTLP_PROTOCOL_LABELS: Record<OtlpProtocol, string> = { 'http/json': 'HTTP, encoding Json', 'http/protobuf': 'HTTP, encoding Proto', grpc: 'gRPC' };

/** A gRPC target as a URL without a path: the scheme says whether TLS is used. */
export const GrpcUrl = httpUrl('https://otel.example.com:4317').refine((u) => {
  try {
    const url = new URL(u);
    // The port must be written out, even the scheme's default (https://host:443): the URL parser drops it from .port.
    return (url.pathname === '/' || url.pathname === '') && !url.search && /^https?:\/\/(\[[^\]]+\]|[^/:?#]+):\d+\/?$/i.test(u);
  } catch {
    return false;
  }
}, 'must be http://host:port (plaintext) or https://host:port (TLS), with the port and no path, such as https://otel.example.com:4317');

export const ProfileFields = z.object({
  name: z.string().trim().min(1, 'a profile needs a name').max(60, 'keep the name under 60 characters'),
  /** The collector's OTLP/HTTP traces endpoint, e.g. https://otel.example.com/v1/traces. */
  otlpEndpoint: httpUrl('https://otel.example.com/v1/traces'),
  /** Which of the collector's OTLP transports the gateway uses; Setup, the test trace and the canary speak it. */
  otlpProtocol: z.enum(OTLP_PROTOCOLS).default('http/json'),
  /** The collector's OTLP/gRPC endpoint; defaults to the OTLP host on port 4317. */
  otlpGrpcEndpoint: GrpcUrl.nullable().default(null),
  /** health_check endpoint; defaults to the collector host on port 13133. */
  healthUrl: httpUrl('http://otel.example.com:13133').nullable().default(null),
  clickhouseUrl: httpUrl('https://clickhouse.example.com:8443'),
  clickhouseUser: z.string().trim().min(1).max(200).default('default'),
  /** Detected from system.tables; null until the ClickHouse step has run. */
  database: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a database name has letters, digits and _')
    .nullable()
    .default(null),
  hyperdxUrl: httpUrl('https://hyperdx.example.com').nullable().default(null),
  /** HyperDX's id of the traces source (its URL's `source=` on a traces search); null: HyperDX opens its default source. */
  hyperdxSourceId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,200}$/, 'a HyperDX source id has letters, digits, - and _ (copy it from source= in HyperDX’s address bar)')
    .nullable()
    .default(null),
  serviceName: z.string().trim().min(1).max(200).default(DEFAULT_SERVICE_NAME),
  stallThresholdMinutes: z.number().int().min(1).max(1440).default(10),
  pollIntervalSeconds: z.number().int().min(5).max(3600).default(30),
  /** Send a small synthetic trace this often to tell "quiet" from "broken"; null turns the canary off. */
  canaryIntervalMinutes: z.number().int().min(1).max(1440).nullable().default(null),
});

export const Profile = ProfileFields.extend({
  id: z.string().regex(/^[a-z0-9-]{1,64}$/),
  kind: z.enum(['sandbox', 'remote']),
});
export type Profile = z.infer<typeof Profile>;

export const Settings = z.object({
  version: z.literal(1),
  activeProfileId: z.string(),
  profiles: z.array(Profile).min(1),
  /** The user's prices per model, used instead of the price catalog's for estimated costs. */
  priceOverrides: z.array(PriceOverride).max(500).default([]),
  /** Alert rules per profile id; a profile without an entry has the default rules (alert-rules.ts). */
  alertRules: z.record(z.string(), AlertRules).default({}),
});
export type Settings = z.infer<typeof Settings>;

/** The first profile: the embedded sandbox. Its URLs are filled in while it runs. */
export function sandboxProfile(): Profile {
  return Profile.parse({
    id: SANDBOX_PROFILE_ID,
    kind: 'sandbox',
    name: 'Local sandbox',
    otlpEndpoint: 'http://127.0.0.1:4318/v1/traces',
    clickhouseUrl: 'http://127.0.0.1:8123',
    database: 'default',
  });
}

export function defaultSettings(): Settings {
  return { version: 1, activeProfileId: SANDBOX_PROFILE_ID, profiles: [sandboxProfile()], priceOverrides: [], alertRules: {} };
}

/** Another of the collector's ports on the same host and scheme (a URL's hostname keeps an IPv6 address's brackets). */
export function collectorPort(url: string, port: number, path = ''): string {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}:${port}${path}`;
}

/** health_check listens on 13133 of the collector's host unless the profile says otherwise. */
export function effectiveHealthUrl(profile: Pick<Profile, 'healthUrl' | 'otlpEndpoint'>): string {
  return profile.healthUrl ?? collectorPort(profile.otlpEndpoint, 13133, '/');
}

/** The collector's gRPC port (4317) on the OTLP endpoint's host, unless the profile names one; TLS when the HTTP endpoint uses it. */
export function effectiveGrpcEndpoint(profile: Pick<Profile, 'otlpGrpcEndpoint' | 'otlpEndpoint'>): string {
  return profile.otlpGrpcEndpoint ? profile.otlpGrpcEndpoint.replace(/\/$/, '') : collectorPort(profile.otlpEndpoint, 4317);
}

/** `host:port` of a gRPC endpoint URL, as TrueFoundry and gRPC clients take it. */
export function grpcHostPort(endpoint: string): string {
  const u = new URL(endpoint);
  return `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
}

/** Setup steps 2 and 3: the collector's health_check, and an empty OTLP export over the profile's protocol. */
import { z } from 'zod';
import { probe } from './http-probe.js';
import { explainNetworkError } from './network-errors.js';
import { failed, passed, type StepResult } from '../../shared/step-result.js';
import { exportTraces } from '../otlp/otlp-export.js';
import { endpointShown, protocolName, type OtlpDestination } from '../otlp/otlp-destination.js';

const HealthBody = z
  .object({
    status: z.string(),
    storage: z.object({ ok: z.boolean(), full: z.boolean(), detail: z.string(), damaged: z.object({ parts: z.number(), rows: z.number(), detail: z.string().max(2000) }).optional() }).optional(),
  })
  .passthrough();

/** A step result and the HTTP status it came from (null: no answer), so a probe can classify it without reading sentences. */
export interface HttpStepOutcome {
  result: StepResult;
  httpStatus: number | null;
  /** The local sandbox's health also proves storage; set when it cannot store spans. */
  storageProblem?: { full: boolean; damaged: boolean; detail: string };
}

export async function checkCollectorHealth(healthUrl: string, signal?: AbortSignal): Promise<StepResult> {
  return (await collectorHealth(healthUrl, signal)).result;
}

export async function collectorHealth(healthUrl: string, signal?: AbortSignal): Promise<HttpStepOutcome> {
  const started = Date.now();
  try {
    const res = await probe(healthUrl, { method: 'GET', signal });
    const took = Date.now() - started;
    let body: unknown = null;
    try {
      body = JSON.parse(res.body);
    } catch {
      // handled below
    }
    const parsed = HealthBody.safeParse(body);
    const storage = parsed.success ? parsed.data.storage : undefined;
    if (storage && !storage.ok) {
      return {
        httpStatus: res.status,
        storageProblem: { full: storage.full, damaged: false, detail: storage.detail },
        result: failed('collector', `The sandbox cannot store spans: ${storage.detail}`, storage.full ? 'Free space on that disk (or move the data folder); exports answer 503 until then, and nothing accepted is lost.' : 'Restart the sandbox from Setup; if it stays, its log names the cause.', [{ label: 'Health URL', value: healthUrl }], took),
      };
    }
    if (storage?.damaged) {
      return {
        httpStatus: res.status,
        storageProblem: { full: false, damaged: true, detail: storage.damaged.detail },
        result: failed('collector', storage.damaged.detail, 'New spans are stored as usual. To stop this warning, move the parts out of detached/ (or restore them from a backup) and restart the sandbox.', [{ label: 'Health URL', value: healthUrl }, { label: 'Unreadable spans', value: `at least ${storage.damaged.rows.toLocaleString('en-US')}` }], took),
      };
    }
    if (res.status === 200 && parsed.success && parsed.data.status === 'Server available') {
      return { httpStatus: res.status, result: passed('collector', 'The collector’s health_check answers "Server available".', [{ label: 'Health URL', value: healthUrl }], took) };
    }
    return {
      httpStatus: res.status,
      result: failed(
        'collector',
        `${healthUrl} answered ${res.status} but not as the collector's health_check extension does.`,
        'Point the health URL at the collector’s health_check port (13133 by default), path /.',
        [{ label: 'Answer', value: res.body.slice(0, 200) }],
        took,
      ),
    };
  } catch (error) {
    const { cause, fix } = explainNetworkError(error, healthUrl, 'collector');
    return { httpStatus: null, result: failed('collector', cause, fix, [{ label: 'Health URL', value: healthUrl }], Date.now() - started) };
  }
}

/** What the collector said, in one sentence, and what to change. Shared by the setup step and the test trace. */
export function explainOtlpStatus(status: number, body: string, endpoint: string, tokenSet: boolean, protocol: 'http/json' | 'http/protobuf' = 'http/json'): { ok: boolean; summary: string; fix: string | null } {
  const encoding = protocol === 'http/protobuf' ? { name: 'OTLP/protobuf', type: 'application/x-protobuf', tfy: 'Proto' } : { name: 'OTLP/JSON', type: 'application/json', tfy: 'Json' };
  const path = (() => {
    try {
      return new URL(endpoint).pathname;
    } catch {
      return endpoint;
    }
  })();
  const message = (() => {
    try {
      const parsed = JSON.parse(body) as { message?: unknown };
      return typeof parsed.message === 'string' ? parsed.message : body.trim();
    } catch {
      return body.trim();
    }
  })().slice(0, 300);
  if (status === 200) return { ok: true, summary: `The collector accepted an ${encoding.name} export at ${path} (200).`, fix: null };
  if (status === 401 || status === 403) {
    return {
      ok: false,
      summary: `The collector refused the request (${status}): ${tokenSet ? 'the OTLP token does not match' : 'it requires a token'}.`,
      fix: tokenSet ? 'Set the profile’s OTLP token to the collector’s OTLP_AUTH_TOKEN (sent as `authorization: <token>`, no Bearer).' : 'Add the collector’s OTLP_AUTH_TOKEN to this profile.',
    };
  }
  if (status === 404) return { ok: false, summary: `${path} was not found on the collector (404).`, fix: 'The OTLP/HTTP traces path is /v1/traces on port 4318: use https://<domain>/v1/traces.' };
  if (status === 405) return { ok: false, summary: `${path} does not accept POST (405): this is not an OTLP traces endpoint.`, fix: 'Use the collector’s /v1/traces URL.' };
  if (status === 413) return { ok: false, summary: 'The collector refused the body as too large (413).', fix: 'Raise max_request_body_size on the collector’s OTLP receiver, or send smaller batches.' };
  if (status === 415) return { ok: false, summary: `The collector refused the content type ${encoding.type} (415).`, fix: `Send Content-Type: ${encoding.type} (TrueFoundry: encoding ${encoding.tfy} and that header), or pick the encoding the collector takes.` };
  if (status === 400) return { ok: false, summary: `The collector rejected the request as malformed (400): ${message || 'no message'}.`, fix: 'This is a bug in the sender; the message above says which field.' };
  if (status === 429 || status === 503) return { ok: false, summary: `The collector is overloaded or not ready (${status}).`, fix: 'Wait and retry; check the collector’s memory_limiter and its exporter to ClickHouse.' };
  return { ok: false, summary: `The collector answered ${status}: ${message || 'no message'}.`, fix: 'Check the collector’s log.' };
}

export async function checkOtlpEndpoint(destination: OtlpDestination, signal?: AbortSignal): Promise<StepResult> {
  return (await emptyOtlpExport(destination, signal)).result;
}

/** Setup step 3: an empty export over the profile's protocol, as the gateway would send it. */
export async function emptyOtlpExport(destination: OtlpDestination, signal?: AbortSignal): Promise<HttpStepOutcome> {
  const started = Date.now();
  const answer = await exportTraces(destination, '{"resourceSpans":[]}', signal);
  const facts = [
    { label: 'Protocol', value: protocolName(destination.protocol) },
    { label: 'Endpoint', value: endpointShown(destination) },
  ];
  const took = Date.now() - started;
  return { httpStatus: answer.httpEquivalent, result: answer.ok ? passed('otlp', answer.summary, facts, took) : failed('otlp', answer.summary, answer.fix ?? '', facts, took) };
}

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

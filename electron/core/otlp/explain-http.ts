/** OTLP/HTTP answers explained (status codes per the OTLP spec and the collector's otlpreceiver). */
/** What a collector's OTLP/HTTP answer means, in one sentence, and what to change. */
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

/**
 * What a failed OTLP/gRPC call means, in one sentence and a fix. grpc-js reports a connection
 * that never opened as UNAVAILABLE with the socket error in its details, so those are told
 * apart from a collector that answered UNAVAILABLE itself.
 */
import * as grpc from '@grpc/grpc-js';
import { grpcHostPort } from '../../shared/profile-schema.js';
import { explainNetworkError } from '../setup/network-errors.js';
import type { GrpcReply } from './grpc-export.js';
import type { OtlpDestination } from './otlp-destination.js';

export interface GrpcExplained {
  /** false: nothing answered (the connection failed), so there is no status to report. */
  answered: boolean;
  httpEquivalent: number | null;
  retryable: boolean;
  summary: string;
  fix: string;
}

const SOCKET_CODE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET/;
const NETWORK = new RegExp(`${SOCKET_CODE.source}|certificate|SSL|TLS|handshake`, 'i');
/** The OTLP spec's retryable gRPC codes (RESOURCE_EXHAUSTED only when the server sent RetryInfo). */
const RETRYABLE = new Set([grpc.status.CANCELLED, grpc.status.DEADLINE_EXCEEDED, grpc.status.ABORTED, grpc.status.OUT_OF_RANGE, grpc.status.UNAVAILABLE, grpc.status.DATA_LOSS]);

export function explainGrpcStatus(reply: Extract<GrpcReply, { ok: false }>, d: OtlpDestination): GrpcExplained {
  const where = grpcHostPort(d.grpcEndpoint);
  const said = reply.details ? `: ${reply.details.slice(0, 300)}` : '';
  const answered = (httpEquivalent: number, summary: string, fix: string, retryable = RETRYABLE.has(reply.code) || (reply.code === grpc.status.RESOURCE_EXHAUSTED && reply.retryDelayMs !== null)): GrpcExplained => ({ answered: true, httpEquivalent, retryable, summary, fix });

  if (reply.code === grpc.status.UNAVAILABLE && (NETWORK.test(reply.details) || /No connection established|Connection dropped|Protocol error|Received HTTP status code|Received RST_STREAM/i.test(reply.details))) {
    if (/Received HTTP status code|Protocol error|Connection dropped/i.test(reply.details) && !NETWORK.test(reply.details)) {
      return { answered: false, httpEquivalent: null, retryable: false, summary: `${where} answered, but not as a gRPC server${said}.`, fix: 'The collector takes OTLP/gRPC on port 4317 (4318 is OTLP/HTTP); check the port, and https:// only if the port serves TLS.' };
    }
    // The socket error's code, as explainNetworkError reads it from a Node error; what names none is the TLS layer's.
    const code = SOCKET_CODE.exec(reply.details)?.[0] ?? 'ERR_TLS';
    const { cause, fix } = explainNetworkError(Object.assign(new Error(reply.details), { code }), d.grpcEndpoint, 'collector');
    return { answered: false, httpEquivalent: null, retryable: false, summary: cause, fix };
  }
  // Not retried, though the spec allows it: a port that swallows calls would hold a one-click test for a minute (HTTP does the same).
  if (reply.code === grpc.status.DEADLINE_EXCEEDED) return { answered: false, httpEquivalent: null, retryable: false, summary: `${where} did not answer the gRPC call in time.`, fix: 'Check that the collector is up, that port 4317 is open, and that nothing between drops HTTP/2.' };
  switch (reply.code) {
    case grpc.status.UNAUTHENTICATED:
    case grpc.status.PERMISSION_DENIED:
      return answered(reply.code === grpc.status.UNAUTHENTICATED ? 401 : 403, `The collector refused the call (${grpc.status[reply.code]}): ${d.token ? 'the OTLP token does not match' : 'it requires a token'}.`, d.token ? 'Set the profile’s OTLP token to the collector’s OTLP_AUTH_TOKEN (sent as `authorization: <token>` metadata, no Bearer).' : 'Add the collector’s OTLP_AUTH_TOKEN to this profile.');
    case grpc.status.UNIMPLEMENTED:
      return answered(404, `${where} speaks gRPC but has no OTLP trace service (UNIMPLEMENTED)${said}.`, 'Point the gRPC endpoint at the collector’s OTLP receiver (port 4317) with the traces pipeline enabled.');
    case grpc.status.RESOURCE_EXHAUSTED:
      return answered(reply.retryDelayMs === null ? 413 : 429, `The collector refused the call as too large or over its limits (RESOURCE_EXHAUSTED)${said}.`, 'Raise max_recv_msg_size_mib on the collector’s gRPC receiver, or send smaller batches; if it asked to retry, the memory limiter is shedding load.');
    case grpc.status.UNAVAILABLE:
      return answered(503, `The collector is overloaded or cannot store spans right now (UNAVAILABLE)${said}.`, 'Wait and retry; check the collector’s memory_limiter and its exporter to ClickHouse.');
    case grpc.status.INVALID_ARGUMENT:
    case grpc.status.INTERNAL:
      return answered(400, `The collector rejected the request (${grpc.status[reply.code]})${said}.`, 'This is a bug in the sender; the message above says what the collector could not read.');
    default:
      return answered(500, `The collector answered ${reply.codeName} (${reply.code})${said}.`, 'Check the collector’s log.');
  }
}

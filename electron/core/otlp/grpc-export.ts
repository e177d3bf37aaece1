/**
 * One OTLP/gRPC TraceService/Export call with @grpc/grpc-js: TLS for https:// endpoints,
 * `authorization` metadata when a token is set, a deadline, and the answer decoded
 * (partial_success, or the status with its RetryInfo).
 */
import * as grpc from '@grpc/grpc-js';
import { grpcHostPort } from '../../shared/profile-schema.js';
import { decodeExportResponse, decodeRpcStatus } from './otlp-proto.js';

export const TRACE_EXPORT_METHOD = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
export const GRPC_DEADLINE_MS = 10_000;

export type GrpcReply =
  | { ok: true; rejected: number; rejectMessage: string }
  | { ok: false; code: grpc.status; codeName: string; details: string; retryDelayMs: number | null };

const raw = (b: Buffer) => b;

export async function grpcExport(endpoint: string, body: Buffer, token: string | null, signal?: AbortSignal): Promise<GrpcReply> {
  const tls = new URL(endpoint).protocol === 'https:';
  const client = new grpc.Client(grpcHostPort(endpoint), tls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  if (token) metadata.set('authorization', token);
  try {
    return await new Promise<GrpcReply>((resolve) => {
      const call = client.makeUnaryRequest(TRACE_EXPORT_METHOD, raw, raw, body, metadata, { deadline: Date.now() + GRPC_DEADLINE_MS }, (error, value) => {
        signal?.removeEventListener('abort', cancel);
        if (!error) {
          const partial = decodeExportResponse(value ?? Buffer.alloc(0));
          return resolve({ ok: true, rejected: partial.rejected, rejectMessage: partial.message });
        }
        const [details] = error.metadata?.get('grpc-status-details-bin') ?? [];
        const retryDelayMs = Buffer.isBuffer(details) ? decodeRpcStatus(details).retryDelayMs : null;
        resolve({ ok: false, code: error.code, codeName: grpc.status[error.code] ?? String(error.code), details: error.details ?? '', retryDelayMs });
      });
      const cancel = () => call.cancel();
      signal?.addEventListener('abort', cancel, { once: true });
    });
  } finally {
    client.close();
  }
}

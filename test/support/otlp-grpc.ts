/**
 * A raw OTLP/gRPC client for tests: sends any bytes as an ExportTraceServiceRequest to
 * TraceService/Export, so garbage, wrong message types and oversized bodies can be sent, and
 * returns the status, its trailers and the raw response bytes (read with the independent wire reader).
 */
import * as grpc from '@grpc/grpc-js';

export const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

export interface GrpcAnswer {
  code: grpc.status;
  details: string;
  trailers: grpc.Metadata | null;
  response: Buffer | null;
}

const raw = (b: Buffer) => b;

export interface ExportOptions {
  metadata?: Record<string, string>;
  path?: string;
  gzip?: boolean;
  authority?: string;
  /** A client to reuse (many calls on one connection); closed by its owner. */
  client?: grpc.Client;
}

export function rawClient(target: string, options: Pick<ExportOptions, 'gzip' | 'authority'> = {}): grpc.Client {
  return new grpc.Client(target, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': -1,
    ...(options.authority ? { 'grpc.default_authority': options.authority } : {}),
    ...(options.gzip ? { 'grpc.default_compression_algorithm': 2, 'grpc.default_compression_level': 2 } : {}),
  });
}

export async function exportRaw(target: string, body: Buffer, options: ExportOptions = {}): Promise<GrpcAnswer> {
  const client = options.client ?? rawClient(target, options);
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(options.metadata ?? {})) metadata.set(k, v);
  try {
    return await new Promise<GrpcAnswer>((resolve) => {
      client.makeUnaryRequest(options.path ?? TRACE_EXPORT, raw, raw, body, metadata, { deadline: Date.now() + 20_000 }, (error, value) => {
        if (error) resolve({ code: error.code, details: error.details, trailers: error.metadata ?? null, response: null });
        else resolve({ code: grpc.status.OK, details: '', trailers: null, response: value ?? null });
      });
    });
  } finally {
    if (!options.client) client.close();
  }
}

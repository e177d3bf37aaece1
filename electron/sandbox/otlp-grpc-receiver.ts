/**
 * OTLP/gRPC trace receiver: `opentelemetry.proto.collector.trace.v1.TraceService/Export` over
 * HTTP/2 (opentelemetry-proto docs/specification.md, OTLP/gRPC), served by @grpc/grpc-js on a
 * loopback port. It stores through the same SpanIngest as the HTTP receiver (same rows, same
 * group commit, an OK means queryable) and answers with the codes the collector's otlpreceiver
 * gives: Unauthenticated without the token (bearertokenauth, empty scheme: the raw token in
 * `authorization`), Internal for a body that does not unmarshal (grpc-go's codec error),
 * InvalidArgument for spans that can never be stored, Unavailable with RetryInfo when the engine
 * cannot take them now, ResourceExhausted over the message size limit, and an OK with
 * partial_success for rejected spans. gzip-compressed messages are accepted (grpc-encoding).
 *
 * Browsers cannot speak this protocol (plaintext HTTP/2 with trailers), so a web page cannot
 * reach the handler; a request that still carries a page's headers, or is addressed to another
 * host name, is refused like on the HTTP servers.
 */
import * as grpc from '@grpc/grpc-js';
import { sameSecret } from '../node-shared/secret-compare.js';
import { pageOrForeignCaller } from './request-guard.js';
import { OtlpDecodeError } from './otlp/model.js';
import { decodeProtoTraceRequest, encodeProtoResponse, encodeRetryStatus } from './otlp/proto-codec.js';
import { RETRY_AFTER_SECONDS, type SpanIngest } from './span-ingest.js';

export const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
/** grpc-go's (and so the collector's) default max_recv_msg_size_mib. */
export const DEFAULT_MAX_GRPC_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface OtlpGrpcReceiverOptions {
  ingest: SpanIngest;
  port?: number;
  /** When set, calls must carry `authorization: <token>` metadata exactly. */
  authToken?: string;
  maxMessageBytes?: number;
}

const passThrough = (b: Buffer): Buffer => b;

/** The service as raw bytes both ways: the handler decodes, so it chooses the status of a bad body. */
const TRACE_SERVICE: grpc.ServiceDefinition = {
  Export: {
    path: TRACE_EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: passThrough,
    requestDeserialize: passThrough,
    responseSerialize: passThrough,
    responseDeserialize: passThrough,
  },
};

type Reply = (error: grpc.ServerErrorResponse | null, value?: Buffer) => void;

function failure(code: grpc.status, details: string, metadata?: grpc.Metadata): grpc.ServerErrorResponse {
  return Object.assign(new Error(details), { code, details, metadata });
}

export class OtlpGrpcReceiver {
  private server: grpc.Server | null = null;

  constructor(private readonly options: OtlpGrpcReceiverOptions) {}

  async listen(): Promise<number> {
    const limit = this.options.maxMessageBytes ?? DEFAULT_MAX_GRPC_MESSAGE_BYTES;
    this.server = new grpc.Server({ 'grpc.max_receive_message_length': limit, 'grpc.max_send_message_length': limit });
    this.server.addService(TRACE_SERVICE, {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, reply: Reply) => {
        this.export(call).then(
          (answer) => (Buffer.isBuffer(answer) ? reply(null, answer) : reply(answer)),
          (error: unknown) => reply(failure(grpc.status.INTERNAL, `internal error: ${error instanceof Error ? error.message : String(error)}`)),
        );
      },
    });
    return await new Promise<number>((resolve, reject) => {
      this.server!.bindAsync(`127.0.0.1:${this.options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    // Calls in flight get their answer (their insert is already running); a stuck client is cut after 2 s.
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 2_000);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }

  private async export(call: grpc.ServerUnaryCall<Buffer, Buffer>): Promise<Buffer | grpc.ServerErrorResponse> {
    const header = (name: string) => call.metadata.get(name)[0];
    const refused = pageOrForeignCaller({ host: call.getHost(), origin: header('origin'), secFetchSite: header('sec-fetch-site') });
    if (refused) return failure(grpc.status.PERMISSION_DENIED, refused);
    if (this.options.authToken !== undefined && !sameSecret(String(header('authorization') ?? ''), this.options.authToken)) {
      return failure(grpc.status.UNAUTHENTICATED, 'missing or wrong authorization metadata');
    }
    let request;
    try {
      request = decodeProtoTraceRequest(call.request);
    } catch (error) {
      if (error instanceof OtlpDecodeError) return failure(grpc.status.INTERNAL, `grpc: error unmarshalling request: ${error.message}`);
      throw error;
    }
    const outcome = await this.options.ingest.store(request);
    if (outcome.kind === 'permanent') return failure(grpc.status.INVALID_ARGUMENT, outcome.message);
    if (outcome.kind === 'retryable') {
      const details = new grpc.Metadata();
      details.set('grpc-status-details-bin', encodeRetryStatus(grpc.status.UNAVAILABLE, outcome.message, RETRY_AFTER_SECONDS));
      return failure(grpc.status.UNAVAILABLE, outcome.message, details);
    }
    return encodeProtoResponse(outcome.rejected, outcome.errorMessage);
  }
}

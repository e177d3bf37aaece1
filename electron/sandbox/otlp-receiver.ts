/**
 * OTLP/HTTP trace receiver (opentelemetry-proto docs/specification.md, OTLP/HTTP):
 * POST /v1/traces with application/json or application/x-protobuf, optional gzip.
 * Answers as the collector's otlpreceiver does: 200 with an ExportTraceServiceResponse
 * (partialSuccess when some spans were rejected), 400 with a google.rpc.Status for a
 * body that cannot be decoded, 401 without the configured token, 413 over the size
 * limit, 415 for other content types. A request is written in one INSERT or not at all.
 */
import { sameSecret } from '../node-shared/secret-compare.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyError, decodeContentEncoding, readLimitedBody } from '../node-shared/request-body.js';
import { decodeJsonTraceRequest } from './otlp/json-decoder.js';
import { OtlpDecodeError, type TraceRequest } from './otlp/model.js';
import { decodeProtoTraceRequest, encodeProtoResponse, encodeProtoStatus } from './otlp/proto-codec.js';
import { browserOrForeignRequest } from './request-guard.js';
import { RETRY_AFTER_SECONDS, type SpanIngest } from './span-ingest.js';

/** The collector's confighttp default max_request_body_size. */
export const DEFAULT_MAX_OTLP_BODY_BYTES = 20 * 1024 * 1024;

/** google.rpc.Code values used in error bodies. */
const RPC = { INVALID_ARGUMENT: 3, UNAUTHENTICATED: 16, UNAVAILABLE: 14, UNIMPLEMENTED: 12, NOT_FOUND: 5, PERMISSION_DENIED: 7 } as const;

export interface OtlpReceiverOptions {
  /** Where decoded requests are stored (shared with the gRPC receiver). */
  ingest: SpanIngest;
  port?: number;
  /** When set, requests must carry `authorization: <token>` exactly, as ClickStack's collector checks it. */
  authToken?: string;
  maxBodyBytes?: number;
}

type Encoding = 'json' | 'proto';

function encodingOf(contentType: string | undefined): Encoding | null {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (base === 'application/json') return 'json';
  if (base === 'application/x-protobuf') return 'proto';
  return null;
}

export class OtlpReceiver {
  private server: Server | null = null;

  constructor(private readonly options: OtlpReceiverOptions) {}

  async listen(): Promise<number> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.sendStatus(res, 'json', 500, RPC.UNAVAILABLE, `internal error: ${message}`);
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private sendStatus(res: ServerResponse, encoding: Encoding, httpStatus: number, code: number, message: string, extra: Record<string, string> = {}): void {
    if (res.headersSent) return void res.end();
    if (encoding === 'proto') {
      res.writeHead(httpStatus, { 'content-type': 'application/x-protobuf', ...extra });
      return void res.end(encodeProtoStatus(code, message));
    }
    res.writeHead(httpStatus, { 'content-type': 'application/json', ...extra });
    res.end(JSON.stringify({ code, message }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const guess = encodingOf(req.headers['content-type']) ?? 'json';
    const refused = browserOrForeignRequest(req);
    if (refused) {
      req.resume();
      return this.sendStatus(res, guess, 403, RPC.PERMISSION_DENIED, refused);
    }
    if (path !== '/v1/traces') {
      return this.sendStatus(res, guess, 404, RPC.NOT_FOUND, `404 page not found: this receiver serves POST /v1/traces, not ${path?.slice(0, 100)}`);
    }
    if (req.method !== 'POST') {
      return this.sendStatus(res, guess, 405, RPC.UNIMPLEMENTED, `${req.method} method not allowed, supported: [POST]`, { allow: 'POST' });
    }
    if (this.options.authToken !== undefined) {
      if (!sameSecret(String(req.headers.authorization ?? ''), this.options.authToken)) {
        req.resume();
        return this.sendStatus(res, guess, 401, RPC.UNAUTHENTICATED, 'missing or wrong authorization header');
      }
    }
    const encoding = encodingOf(req.headers['content-type']);
    if (!encoding) {
      req.resume();
      return this.sendStatus(res, 'json', 415, RPC.INVALID_ARGUMENT, `415 unsupported media type "${String(req.headers['content-type'] ?? '').slice(0, 100)}", supported: [application/json, application/x-protobuf]`);
    }

    const limit = this.options.maxBodyBytes ?? DEFAULT_MAX_OTLP_BODY_BYTES;
    let request: TraceRequest;
    try {
      const raw = await readLimitedBody(req, limit);
      const body = decodeContentEncoding(raw, req.headers['content-encoding'], limit);
      request = encoding === 'json' ? decodeJsonTraceRequest(body) : decodeProtoTraceRequest(body);
    } catch (error) {
      if (error instanceof BodyError) return this.sendStatus(res, encoding, error.status, RPC.INVALID_ARGUMENT, error.message);
      if (error instanceof OtlpDecodeError) return this.sendStatus(res, encoding, 400, RPC.INVALID_ARGUMENT, error.message);
      throw error;
    }

    const outcome = await this.options.ingest.store(request);
    // What can never succeed is a 400 with the reason (a sender must not retry it forever); the rest is retryable.
    if (outcome.kind === 'permanent') return this.sendStatus(res, encoding, 400, RPC.INVALID_ARGUMENT, outcome.message);
    if (outcome.kind === 'retryable') return this.sendStatus(res, encoding, 503, RPC.UNAVAILABLE, outcome.message, { 'retry-after': String(RETRY_AFTER_SECONDS) });
    const { rejected, errorMessage } = outcome;
    if (encoding === 'proto') {
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      return void res.end(encodeProtoResponse(rejected, errorMessage));
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    // int64 rejectedSpans is a decimal string in OTLP/JSON.
    res.end(JSON.stringify({ partialSuccess: rejected > 0 ? { rejectedSpans: String(rejected), errorMessage } : {} }));
  }
}

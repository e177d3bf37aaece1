/**
 * An OpenAI-compatible provider on 127.0.0.1 for driving the real `openai` npm client (and the GenAI
 * instrumentations that patch it) in tests. Every answer is deterministic and recorded in `calls`, so a
 * test can compare what the provider answered with what lands in the database.
 *
 *   POST /v1/chat/completions   non-streaming JSON, or SSE when `stream: true` (first chunk after
 *                               `firstChunkDelayMs`, a usage chunk when `stream_options.include_usage`)
 *   POST /v1/embeddings         float or base64 vectors (the v6 client asks for base64 by default)
 *   model `rate-limited-model`  429 with OpenAI's error body and a `retry-after` header, on either path
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const RATE_LIMITED_MODEL = 'rate-limited-model';

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

export interface FakeEmbeddingUsage {
  prompt_tokens: number;
  total_tokens: number;
}

export type FakeCall =
  | {
      kind: 'chat' | 'stream';
      path: string;
      requestModel: string;
      responseModel: string;
      responseId: string;
      requestId: string;
      answer: string;
      finishReason: 'stop';
      /** Usage the provider answered with (for `stream`, sent only when `usageSent`). */
      usage: FakeUsage;
      usageSent: boolean;
      receivedAt: number;
      /** Wall-clock ms when the first SSE chunk was written (streams only). */
      firstChunkAt?: number;
      endedAt: number;
      request: unknown;
    }
  | {
      kind: 'embedding';
      path: string;
      requestModel: string;
      responseModel: string;
      requestId: string;
      encodingFormat: 'float' | 'base64';
      dimensions: number;
      inputs: number;
      usage: FakeEmbeddingUsage;
      receivedAt: number;
      endedAt: number;
      request: unknown;
    }
  | {
      kind: 'error';
      path: string;
      requestModel: string;
      requestId: string;
      status: 429;
      retryAfterSeconds: number;
      error: { message: string; type: string; param: null; code: string };
      receivedAt: number;
      endedAt: number;
      request: unknown;
    }
  | { kind: 'unknown'; path: string; method: string; status: number; receivedAt: number; endedAt: number; request: unknown };

export interface FakeProvider {
  /** e.g. `http://127.0.0.1:PORT/v1` — pass as the openai client's `baseURL`. */
  baseUrl: string;
  port: number;
  calls: FakeCall[];
  close(): Promise<void>;
}

export interface FakeProviderOptions {
  /** Delay before the first SSE chunk (default 50 ms) so TTFT is measurable. */
  firstChunkDelayMs?: number;
  /** Delay between later chunks (default 5 ms). */
  chunkDelayMs?: number;
  retryAfterSeconds?: number;
}

/** The dated model name the provider answers with, so request and response model differ. */
export function responseModelFor(requestModel: string): string {
  return `${requestModel}-2024-07-18`;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p === 'object' && 'text' in p ? String((p as { text: unknown }).text) : '')).join('');
  return '';
}

/** Deterministic usage from the prompt: every number distinct so a test can tell which landed where. */
export function chatUsageFor(messages: unknown, answer: string): FakeUsage {
  const chars = Array.isArray(messages) ? messages.reduce((n: number, m) => n + textOf((m as { content?: unknown })?.content).length, 0) : 0;
  const prompt_tokens = 100 + chars;
  const cached_tokens = Math.floor(prompt_tokens / 4);
  const completion_tokens = 500 + answer.split(" ").length;
  const reasoning_tokens = 7;
  return {
    prompt_tokens,
    completion_tokens,
    total_tokens: prompt_tokens + completion_tokens,
    prompt_tokens_details: { cached_tokens },
    completion_tokens_details: { reasoning_tokens },
  };
}

export function answerFor(messages: unknown): string {
  const last = Array.isArray(messages) ? messages[messages.length - 1] : undefined;
  const asked = textOf((last as { content?: unknown })?.content);
  return `Fake answer to "${asked.slice(0, 40)}": the sky is blue.`;
}

export const EMBEDDING_DIMENSIONS = 8;

function embeddingVector(index: number): number[] {
  return Array.from({ length: EMBEDDING_DIMENSIONS }, (_, i) => Math.round(((index + 1) * (i + 1)) / 16 * 1000) / 1000);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const firstChunkDelayMs = options.firstChunkDelayMs ?? 50;
  const chunkDelayMs = options.chunkDelayMs ?? 5;
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;
  const calls: FakeCall[] = [];
  let seq = 0;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const receivedAt = Date.now();
    const n = ++seq;
    const requestId = `req_fake_${n}`;
    const path = (req.url ?? '').split('?')[0] ?? '';
    const raw = await readBody(req);
    let body: Record<string, unknown>;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      body = {};
    }
    const model = typeof body.model === 'string' ? body.model : '';
    const isChat = req.method === 'POST' && path.endsWith('/chat/completions');
    const isEmbeddings = req.method === 'POST' && path.endsWith('/embeddings');

    if ((isChat || isEmbeddings) && model === RATE_LIMITED_MODEL) {
      const error = {
        message: `Rate limit reached for ${model} in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in ${retryAfterSeconds}s.`,
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      };
      json(res, 429, { error }, { 'retry-after': String(retryAfterSeconds), 'x-request-id': requestId });
      calls.push({ kind: 'error', path, requestModel: model, requestId, status: 429, retryAfterSeconds, error, receivedAt, endedAt: Date.now(), request: body });
      return;
    }

    if (isChat) {
      const answer = answerFor(body.messages);
      const usage = chatUsageFor(body.messages, answer);
      const responseModel = responseModelFor(model);
      const responseId = `chatcmpl-fake-${n}`;
      const created = Math.floor(receivedAt / 1000);
      if (body.stream !== true) {
        json(
          res,
          200,
          {
            id: responseId,
            object: 'chat.completion',
            created,
            model: responseModel,
            system_fingerprint: 'fp_fake',
            service_tier: 'default',
            choices: [{ index: 0, message: { role: 'assistant', content: answer, refusal: null }, logprobs: null, finish_reason: 'stop' }],
            usage,
          },
          { 'x-request-id': requestId },
        );
        calls.push({ kind: 'chat', path, requestModel: model, responseModel, responseId, requestId, answer, finishReason: 'stop', usage, usageSent: true, receivedAt, endedAt: Date.now(), request: body });
        return;
      }
      const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': requestId });
      const base = { id: responseId, object: 'chat.completion.chunk', created, model: responseModel, system_fingerprint: 'fp_fake', service_tier: 'default' };
      const send = (chunk: Record<string, unknown>) => res.write(`data: ${JSON.stringify({ ...base, ...chunk, ...(includeUsage && !('usage' in chunk) ? { usage: null } : {}) })}\n\n`);
      await sleep(firstChunkDelayMs);
      const firstChunkAt = Date.now();
      send({ choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }] });
      const pieces = answer.match(/\S+\s*/g) ?? [answer];
      for (const piece of pieces) {
        await sleep(chunkDelayMs);
        send({ choices: [{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }] });
      }
      send({ choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] });
      if (includeUsage) send({ choices: [], usage });
      res.write('data: [DONE]\n\n');
      res.end();
      calls.push({ kind: 'stream', path, requestModel: model, responseModel, responseId, requestId, answer, finishReason: 'stop', usage, usageSent: includeUsage, receivedAt, firstChunkAt, endedAt: Date.now(), request: body });
      return;
    }

    if (isEmbeddings) {
      const inputs = Array.isArray(body.input) ? (body.input as unknown[]) : [body.input];
      const chars = inputs.reduce((acc: number, i) => acc + (typeof i === 'string' ? i.length : Array.isArray(i) ? i.length : 0), 0);
      const usage = { prompt_tokens: 3 + chars, total_tokens: 3 + chars };
      const encodingFormat = body.encoding_format === 'base64' ? 'base64' : 'float';
      const responseModel = model;
      const data = inputs.map((_, index) => {
        const vector = embeddingVector(index);
        const embedding = encodingFormat === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
        return { object: 'embedding', index, embedding };
      });
      json(res, 200, { object: 'list', data, model: responseModel, usage }, { 'x-request-id': requestId });
      calls.push({ kind: 'embedding', path, requestModel: model, responseModel, requestId, encodingFormat, dimensions: EMBEDDING_DIMENSIONS, inputs: inputs.length, usage, receivedAt, endedAt: Date.now(), request: body });
      return;
    }

    json(res, 404, { error: { message: `Unknown path ${req.method} ${path}`, type: 'invalid_request_error', param: null, code: 'unknown_url' } });
    calls.push({ kind: 'unknown', path, method: req.method ?? '', status: 404, receivedAt, endedAt: Date.now(), request: body });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: { message: String(err), type: 'server_error', param: null, code: null } });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

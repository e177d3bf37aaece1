/**
 * Fuzzes the sandbox's OTLP receivers with generated malformed bodies: JSON and protobuf over
 * HTTP, protobuf over gRPC (where OK stands for 200 and Internal — the collector's "error
 * unmarshalling request" — for 400). Every answer must be the right one (400 for what cannot be decoded, 200 with the exact
 * rejected count for a partial success), a 400 must store nothing, a 200 exactly the spans
 * it accepted, and the process must survive all of it. FUZZ_CASES and FUZZ_SEED reproduce a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFields } from '../support/proto-wire.js';
import { jsonCase, protoCase, rngFrom, type FuzzCase } from '../support/otlp-fuzz.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';
import { exportRaw, rawClient } from '../support/otlp-grpc.js';
import * as grpc from '@grpc/grpc-js';

const CASES = Number(process.env.FUZZ_CASES ?? 600);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

let sandbox: TestSandbox;
let pid: number;
const crashes: string[] = [];
beforeAll(async () => {
  sandbox = await startTestSandbox();
  pid = sandbox.supervisor.pid!;
  sandbox.supervisor.onStatus((s) => s.state === 'crashed' && crashes.push(s.detail));
  // Fuzzed times land in 1970 too; the table's TTL would drop those parts mid-count.
  await sql('SYSTEM STOP TTL MERGES otel_traces');
  console.log(`fuzz: ${CASES} cases per encoding, seed ${SEED} (FUZZ_SEED=${SEED} reproduces this run)`);
});
afterAll(async () => {
  await sandbox?.dispose();
});

async function sql(query: string): Promise<string> {
  const res = await fetch(sandbox.clickhouse, { method: 'POST', body: query });
  if (!res.ok) throw new Error(`ClickHouse said ${res.status}: ${await res.text()}`);
  return (await res.text()).trim();
}
const rowCount = async () => Number(await sql('SELECT count() FROM otel_traces'));

interface Answer {
  status: number;
  rejected: number;
  errorText: string;
}

/** Reads the answer by the spec, without the app's code: JSON, or protobuf through the independent wire reader. */
async function answerOf(res: Response, encoding: 'json' | 'proto'): Promise<Answer> {
  const body = Buffer.from(await res.arrayBuffer());
  if (encoding === 'json') {
    const parsed = JSON.parse(body.toString('utf8')) as { partialSuccess?: { rejectedSpans?: string }; code?: number; message?: string };
    if (res.status === 200) return { status: 200, rejected: Number(parsed.partialSuccess?.rejectedSpans ?? 0), errorText: '' };
    return { status: res.status, rejected: 0, errorText: String(parsed.message ?? '') };
  }
  const fields = decodeFields(body);
  if (res.status === 200) {
    const partial = fields.get(1)?.[0];
    const rejected = partial instanceof Buffer ? decodeFields(partial).get(1)?.[0] : undefined;
    return { status: 200, rejected: typeof rejected === 'bigint' ? Number(rejected) : 0, errorText: '' };
  }
  const message = fields.get(2)?.[0];
  return { status: res.status, rejected: 0, errorText: message instanceof Buffer ? message.toString('utf8') : '' };
}

/** One call over gRPC, its answer in the HTTP terms the oracle uses. */
async function grpcAnswer(client: grpc.Client, body: Buffer): Promise<Answer> {
  const answer = await exportRaw(sandbox.otlpGrpc, body, { client });
  if (answer.code === grpc.status.OK) return answerOf(new Response(answer.response ?? Buffer.alloc(0), { status: 200 }), 'proto');
  return { status: answer.code === grpc.status.INTERNAL ? 400 : 1000 + answer.code, rejected: 0, errorText: answer.details };
}

async function runCases(encoding: 'json' | 'proto' | 'grpc', make: (rng: () => number) => FuzzCase) {
  const rng = rngFrom(SEED + { json: 0, proto: 1, grpc: 2 }[encoding]);
  const client = encoding === 'grpc' ? rawClient(sandbox.otlpGrpc) : null;
  const kinds = new Map<string, number>();
  const contentType = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
  let rows = await rowCount();
  for (let i = 0; i < CASES; i++) {
    const c = make(rng);
    kinds.set(`${c.kind}`, (kinds.get(c.kind) ?? 0) + 1);
    const where = `${encoding} case ${i} (${c.kind}, seed ${SEED})`;
    const answer = client ? await grpcAnswer(client, c.body) : await answerOf(await fetch(sandbox.otlp, { method: 'POST', headers: { 'content-type': contentType }, body: c.body }), encoding === 'json' ? 'json' : 'proto');
    const after = await rowCount();
    const stored = after - rows;
    rows = after;

    expect([200, 400], where).toContain(answer.status);
    if (c.expect.status !== 'either') expect(answer.status, `${where}: ${answer.errorText}`).toBe(c.expect.status);
    if (answer.status === 400) {
      expect(stored, `${where}: a refused request stores nothing`).toBe(0);
      expect(answer.errorText, where).not.toBe('');
    } else {
      expect(answer.rejected, where).toBeGreaterThanOrEqual(0);
      if (c.expect.status === 200) {
        expect(answer.rejected, where).toBe(c.expect.rejected);
        expect(stored, where).toBe(c.expect.stored);
      }
    }
  }
  client?.close();
  return kinds;
}

describe('OTLP receiver under fuzzing', () => {
  it(`answers ${CASES} malformed JSON bodies correctly and stores only what it accepted`, { timeout: 300_000 }, async () => {
    const kinds = await runCases('json', jsonCase);
    console.log(`fuzz json: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    expect(kinds.size).toBeGreaterThanOrEqual(8);
  });

  it(`answers ${CASES} malformed protobuf bodies correctly and stores only what it accepted`, { timeout: 300_000 }, async () => {
    const kinds = await runCases('proto', protoCase);
    console.log(`fuzz proto: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    expect(kinds.size).toBeGreaterThanOrEqual(8);
  });

  it(`answers ${CASES} malformed protobuf bodies over gRPC correctly and stores only what it accepted`, { timeout: 300_000 }, async () => {
    const kinds = await runCases('grpc', protoCase);
    console.log(`fuzz grpc: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    expect(kinds.size).toBeGreaterThanOrEqual(8);
  });

  it('is still the same healthy process, and every stored span has real ids', async () => {
    expect(crashes).toEqual([]);
    expect(sandbox.supervisor.pid).toBe(pid);
    expect((await fetch(sandbox.health)).status).toBe(200);
    expect(Number(await sql("SELECT count() FROM otel_traces WHERE length(TraceId) != 32 OR length(SpanId) != 16 OR TraceId = repeat('0', 32) OR SpanId = repeat('0', 16) OR Duration < 0"))).toBe(0);
  });
});

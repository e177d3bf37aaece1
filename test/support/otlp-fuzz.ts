/**
 * Generates valid OTLP trace requests from a seeded random source, in JSON and in protobuf
 * (written by the independent wire writer), and breaks them in known ways. Each broken body
 * carries what a correct receiver must answer, so the fuzz test has an oracle, not a guess.
 */
import { bytes as pbBytes, encode, msg, str, type PbNode } from './proto-wire.js';

export type Rng = () => number;

/** mulberry32: small, fast and reproducible from one 32-bit seed. */
export function rngFrom(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const hex = (rng: Rng, bytes: number) => Array.from({ length: bytes }, () => int(rng, 0, 255).toString(16).padStart(2, '0')).join('');

type Value = { s: string } | { b: boolean } | { i: bigint } | { d: number } | { arr: Value[] } | { kv: [string, Value][] } | { bytes: string };
interface SpanModel {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  start: bigint;
  end: bigint;
  attrs: [string, Value][];
  status: number;
}
export interface RequestModel {
  resources: { service: string; spans: SpanModel[] }[];
}

function value(rng: Rng, depth = 0): Value {
  switch (int(rng, 0, depth > 1 ? 4 : 6)) {
    case 0:
      return { s: pick(rng, ['gpt-4o', 'é ü 漢字 🚀', '', 'a'.repeat(int(rng, 1, 300)), 'line\nbreak "quoted"']) };
    case 1:
      return { b: rng() < 0.5 };
    case 2:
      return { i: BigInt(int(rng, -1e6, 1e6)) * (rng() < 0.2 ? 10_000_000_000n : 1n) };
    case 3:
      return { d: rng() * 1000 - 500 };
    case 4:
      return { bytes: Buffer.from(hex(rng, int(rng, 0, 12)), 'hex').toString('base64') };
    case 5:
      return { arr: Array.from({ length: int(rng, 0, 3) }, () => value(rng, depth + 1)) };
    default:
      return { kv: Array.from({ length: int(rng, 0, 3) }, (_, k) => [`k${k}`, value(rng, depth + 1)] as [string, Value]) };
  }
}

export function randomRequest(rng: Rng): RequestModel {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    resources: Array.from({ length: int(rng, 1, 3) }, () => ({
      service: pick(rng, ['tfy-llm-gateway', 'fuzz-svc', 'ünïcode-svc']),
      spans: Array.from({ length: int(rng, 1, 5) }, () => {
        const start = now - BigInt(int(rng, 0, 60_000)) * 1_000_000n;
        return {
          traceId: hex(rng, 16),
          spanId: hex(rng, 8),
          parentSpanId: rng() < 0.5 ? '' : hex(rng, 8),
          name: pick(rng, ['ChatCompletion', 'Model', 'Network Call', 'Guardrail']),
          kind: int(rng, 0, 5),
          start,
          end: start + BigInt(int(rng, 0, 5_000)) * 1_000_000n,
          attrs: Array.from({ length: int(rng, 0, 6) }, (_, k) => [pick(rng, ['tfy.request.model_name', 'gen_ai.usage.input_tokens', `attr.${k}`]), value(rng)] as [string, Value]),
          status: int(rng, 0, 2),
        };
      }),
    })),
  };
}

export const spanCount = (m: RequestModel) => m.resources.reduce((n, r) => n + r.spans.length, 0);

// ---- JSON ----

function jsonValue(v: Value): Record<string, unknown> {
  if ('s' in v) return { stringValue: v.s };
  if ('b' in v) return { boolValue: v.b };
  if ('i' in v) return { intValue: v.i.toString() };
  if ('d' in v) return { doubleValue: v.d };
  if ('bytes' in v) return { bytesValue: v.bytes };
  if ('arr' in v) return { arrayValue: { values: v.arr.map(jsonValue) } };
  return { kvlistValue: { values: v.kv.map(([key, x]) => ({ key, value: jsonValue(x) })) } };
}

export function toJson(m: RequestModel): Record<string, unknown> {
  return {
    resourceSpans: m.resources.map((r) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: r.service } }] },
      scopeSpans: [
        {
          scope: { name: 'fuzz', version: '1' },
          spans: r.spans.map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId,
            name: s.name,
            kind: s.kind,
            startTimeUnixNano: s.start.toString(),
            endTimeUnixNano: s.end.toString(),
            attributes: s.attrs.map(([key, v]) => ({ key, value: jsonValue(v) })),
            status: { code: s.status },
          })),
        },
      ],
    })),
  };
}

// ---- protobuf ----

function pbValue(v: Value): PbNode[] {
  if ('s' in v) return [str(1, v.s)];
  if ('b' in v) return [{ n: 2, t: 'varint', v: v.b ? 1n : 0n }];
  if ('i' in v) return [{ n: 3, t: 'varint', v: v.i }];
  if ('d' in v) {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v.d);
    return [{ n: 4, t: 'fixed64', v: b.readBigUInt64LE() }];
  }
  if ('bytes' in v) return [pbBytes(7, Buffer.from(v.bytes, 'base64'))];
  if ('arr' in v) return [msg(5, v.arr.map((x) => msg(1, pbValue(x))))];
  return [msg(6, v.kv.map(([key, x]) => msg(1, [str(1, key), msg(2, pbValue(x))])))];
}

const idNode = (n: number, hexId: string): PbNode[] => (hexId === '' ? [] : [pbBytes(n, Buffer.from(hexId, 'hex'))]);

export function toProto(m: RequestModel): PbNode[] {
  return m.resources.map((r) =>
    msg(1, [
      msg(1, [msg(1, [str(1, 'service.name'), msg(2, [str(1, r.service)])])]),
      msg(2, [
        msg(1, [str(1, 'fuzz'), str(2, '1')]),
        ...r.spans.map((s) =>
          msg(2, [
            ...idNode(1, s.traceId),
            ...idNode(2, s.spanId),
            ...idNode(4, s.parentSpanId),
            str(5, s.name),
            { n: 6, t: 'varint', v: BigInt(s.kind) },
            { n: 7, t: 'fixed64', v: s.start },
            { n: 8, t: 'fixed64', v: s.end },
            ...s.attrs.map(([key, v]) => msg(9, [str(1, key), msg(2, pbValue(v))])),
            msg(15, [{ n: 3, t: 'varint', v: BigInt(s.status) }]),
          ]),
        ),
      ]),
    ]),
  );
}

// ---- breaking things ----

/** What a correct receiver answers: an exact status, or 200/400 either way (then only the bookkeeping is checked). */
export type Expect = { status: 400 } | { status: 200; rejected: number; stored: number } | { status: 'either' };

export interface FuzzCase {
  kind: string;
  body: Buffer;
  expect: Expect;
}

/** Spans whose ids or times make the receiver refuse them one by one (a partial success). */
function breakSpans(rng: Rng, m: RequestModel): number {
  const spans = m.resources.flatMap((r) => r.spans);
  const k = int(rng, 1, spans.length);
  for (const s of spans.slice(0, k)) {
    const how = int(rng, 0, 3);
    if (how === 0) s.traceId = '';
    else if (how === 1) s.spanId = '0'.repeat(16);
    else if (how === 2) s.traceId = '0'.repeat(32);
    else s.end = s.start - 1n;
  }
  return k;
}

/** An id of the wrong size anywhere in the request makes the whole request invalid (as in the Go collector). */
function wrongSizeId(rng: Rng, m: RequestModel, encoding: 'json' | 'proto'): void {
  const s = pick(rng, m.resources.flatMap((r) => r.spans));
  const bad = encoding === 'json' ? pick(rng, [hex(rng, 15), hex(rng, 17), `${hex(rng, 15)}zz`, ' '.repeat(32)]) : pick(rng, [hex(rng, 15), hex(rng, 17), hex(rng, 1)]);
  if (rng() < 0.5) s.traceId = bad;
  else s.spanId = bad.slice(0, encoding === 'json' ? 15 : 14);
}

const HOSTILE: unknown[] = [null, 0, -1, 1.5, '', 'x'.repeat(200_000), [], {}, true, '-5', '99999999999999999999999', 'NaN', { __proto__: { polluted: 1 } }, [[[[[[]]]]]]];

function allContainers(root: unknown): { parent: Record<string, unknown> | unknown[]; key: string | number }[] {
  const out: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => {
        out.push({ parent: node, key: i });
        walk(v);
      });
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        out.push({ parent: node as Record<string, unknown>, key: k });
        walk(v);
      }
    }
  };
  walk(root);
  return out;
}

/** A kvlist nested `levels` deep, as text: built iteratively, since the test's own stack must survive it too. */
function deepValueText(levels: number): string {
  return '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(levels) + '{"stringValue":"bottom"}' + '}]}}'.repeat(levels);
}

export function jsonCase(rng: Rng): FuzzCase {
  const m = randomRequest(rng);
  const kind = pick(rng, ['syntax', 'syntax', 'wrong-type', 'wrong-type', 'drop-key', 'proto-keys', 'partial', 'bad-id', 'deep', 'bytes']);
  const text = () => JSON.stringify(toJson(m));
  switch (kind) {
    case 'syntax': {
      const t = text();
      const at = int(rng, 0, t.length - 1);
      const broken = pick(rng, [
        t.slice(0, at),
        t.slice(0, at) + t.slice(at + 1),
        t.slice(0, at) + pick(rng, ['{', '}', '[', ']', '"', ',', ':', '\\', 'NaN']) + t.slice(at),
        `${t},`,
        '',
        'null',
        '[]',
        '"resourceSpans"',
      ]);
      // Some edits keep the JSON valid (a deleted space, say); then only the bookkeeping is checked.
      let valid = true;
      try {
        JSON.parse(broken);
      } catch {
        valid = false;
      }
      const notAnObject = ['null', '[]', '"resourceSpans"'].includes(broken);
      return { kind, body: Buffer.from(broken), expect: valid && !notAnObject ? { status: 'either' } : { status: 400 } };
    }
    case 'wrong-type': {
      const tree = toJson(m);
      const slots = allContainers(tree);
      for (let i = int(rng, 1, 3); i > 0; i--) {
        const slot = pick(rng, slots);
        (slot.parent as Record<string | number, unknown>)[slot.key] = pick(rng, HOSTILE);
      }
      return { kind, body: Buffer.from(JSON.stringify(tree)), expect: { status: 'either' } };
    }
    case 'drop-key': {
      const tree = toJson(m);
      const slot = pick(rng, allContainers(tree).filter((s) => !Array.isArray(s.parent)));
      delete (slot.parent as Record<string, unknown>)[slot.key as string];
      return { kind, body: Buffer.from(JSON.stringify(tree)), expect: { status: 'either' } };
    }
    case 'proto-keys': {
      // Written as text, so "__proto__" is a real key in the body, as an attacker would send it.
      const key = pick(rng, ['__proto__', 'constructor', 'prototype']);
      const t = text().replace('"resourceSpans"', `"${key}":{"polluted":true,"resourceSpans":[]},"resourceSpans"`);
      return { kind, body: Buffer.from(t), expect: { status: 200, rejected: 0, stored: spanCount(m) } };
    }
    case 'partial': {
      const rejected = breakSpans(rng, m);
      return { kind, body: Buffer.from(text()), expect: { status: 200, rejected, stored: spanCount(m) - rejected } };
    }
    case 'bad-id':
      wrongSizeId(rng, m, 'json');
      return { kind, body: Buffer.from(text()), expect: { status: 400 } };
    case 'deep': {
      const t = text();
      const at = t.indexOf('"attributes":[') + '"attributes":['.length;
      const deep = `{"key":"deep","value":${deepValueText(int(rng, 40, 3000))}}${t[at] === ']' ? '' : ','}`;
      return { kind, body: Buffer.from(t.slice(0, at) + deep + t.slice(at)), expect: { status: 400 } };
    }
    default: {
      // Raw bytes: invalid UTF-8 and NULs inside a valid document's strings.
      const t = Buffer.from(text());
      const at = t.indexOf('"name":"') + 8;
      return { kind: 'bytes', body: Buffer.concat([t.subarray(0, at), Buffer.from([0xff, 0xfe, 0x00, 0xc3]), t.subarray(at)]), expect: { status: 'either' } };
    }
  }
}

function allNodes(nodes: PbNode[]): PbNode[] {
  return nodes.flatMap((n) => (n.t === 'msg' ? [n, ...allNodes(n.v)] : [n]));
}

/** An AnyValue kvlist nested `levels` deep, encoded inside out without recursion. */
function deepPbValue(levels: number): Buffer {
  let v = encode([str(1, 'bottom')]);
  for (let i = 0; i < levels; i++) v = encode([pbBytes(6, encode([pbBytes(1, encode([str(1, 'k'), pbBytes(2, v)]))]))]);
  return v;
}

export function protoCase(rng: Rng): FuzzCase {
  const m = randomRequest(rng);
  const kind = pick(rng, ['bytes', 'bytes', 'garbage', 'wire-type', 'length-lie', 'partial', 'bad-id', 'deep', 'empty']);
  switch (kind) {
    case 'bytes': {
      const b = Buffer.from(encode(toProto(m)));
      const how = int(rng, 0, 3);
      if (how === 0) for (let i = int(rng, 1, 8); i > 0; i--) b[int(rng, 0, b.length - 1)] = int(rng, 0, 255);
      if (how === 1) return { kind, body: b.subarray(0, int(rng, 1, b.length - 1)), expect: { status: 'either' } };
      if (how === 2) {
        const at = int(rng, 0, b.length);
        return { kind, body: Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: int(rng, 1, 16) }, () => int(rng, 0, 255))), b.subarray(at)]), expect: { status: 'either' } };
      }
      if (how === 3) {
        const at = int(rng, 0, b.length - 1);
        return { kind, body: Buffer.concat([b, b.subarray(at)]), expect: { status: 'either' } };
      }
      return { kind, body: b, expect: { status: 'either' } };
    }
    case 'garbage':
      return { kind, body: Buffer.from(Array.from({ length: int(rng, 1, 2048) }, () => int(rng, 0, 255))), expect: { status: 'either' } };
    case 'wire-type': {
      const tree = toProto(m);
      const node = pick(rng, allNodes(tree));
      const replacement: PbNode = pick(rng, [
        { n: node.n, t: 'varint', v: BigInt(int(rng, 0, 1e9)) },
        { n: node.n, t: 'fixed32', v: int(rng, 0, 1e9) },
        { n: node.n, t: 'fixed64', v: 12345678901234n },
        { n: node.n, t: 'bytes', v: Buffer.from('not a message') },
      ] satisfies PbNode[]);
      Object.assign(node, replacement);
      return { kind, body: encode(tree), expect: { status: 'either' } };
    }
    case 'length-lie': {
      const tree = toProto(m);
      const node = pick(rng, allNodes(tree).filter((n) => n.t === 'msg' || n.t === 'bytes'));
      if (node.t === 'msg' || node.t === 'bytes') node.lengthLie = pick(rng, [1, 2, 100, 1_000_000, -1]);
      return { kind, body: encode(tree), expect: { status: 'either' } };
    }
    case 'partial': {
      const rejected = breakSpans(rng, m);
      return { kind, body: encode(toProto(m)), expect: { status: 200, rejected, stored: spanCount(m) - rejected } };
    }
    case 'bad-id':
      wrongSizeId(rng, m, 'proto');
      return { kind, body: encode(toProto(m)), expect: { status: 400 } };
    case 'deep': {
      const tree = toProto(m);
      const span = allNodes(tree).find((n) => n.n === 2 && n.t === 'msg' && n.v.some((c) => c.n === 5));
      if (span?.t === 'msg') span.v.push(msg(9, [str(1, 'deep'), pbBytes(2, deepPbValue(int(rng, 40, 1500)))]));
      return { kind, body: encode(tree), expect: { status: 400 } };
    }
    default:
      return { kind: 'empty', body: Buffer.alloc(0), expect: { status: 200, rejected: 0, stored: 0 } };
  }
}

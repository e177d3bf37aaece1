/** Attribute values become strings exactly as the collector's Go code writes them. */
import { describe, expect, it } from 'vitest';
import { goFormatFloatF, goJsonAttributes, valueAsString } from '../../electron/sandbox/otlp/go-format.js';
import type { AnyValue } from '../../electron/sandbox/otlp/model.js';

const s = (value: string): AnyValue => ({ kind: 'string', value });
const i = (value: bigint): AnyValue => ({ kind: 'int', value });
const d = (value: number): AnyValue => ({ kind: 'double', value });

describe('Go-compatible formatting', () => {
  it.each([
    [1.5, '1.5'],
    [0.0125, '0.0125'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [-2.5e22, '-25000000000000000000000'],
    [100, '100'],
    [Infinity, '+Inf'],
    [NaN, 'NaN'],
  ])('strconv.FormatFloat(%s, f, -1) is %s', (f, text) => {
    expect(goFormatFloatF(f)).toBe(text);
  });

  it('writes scalars like pcommon.Value.AsString', () => {
    expect(valueAsString(i(-9223372036854775808n))).toBe('-9223372036854775808');
    expect(valueAsString({ kind: 'bool', value: false })).toBe('false');
    expect(valueAsString({ kind: 'bytes', value: Uint8Array.from([0, 255, 16]) })).toBe('AP8Q');
    expect(valueAsString({ kind: 'empty' })).toBe('');
  });

  it('writes maps and slices as encoding/json does: sorted keys, HTML escaped, last duplicate wins', () => {
    const map: AnyValue = {
      kind: 'kvlist',
      value: [
        { key: 'z', value: d(1e-7) },
        { key: 'a', value: { kind: 'array', value: [s('<b>&'), i(3n), { kind: 'empty' }] } },
        { key: 'z', value: d(2.5) },
        { key: 'bytes', value: { kind: 'bytes', value: Uint8Array.from([1, 2]) } },
      ],
    };
    expect(valueAsString(map)).toBe('{"a":["\\u003cb\\u003e\\u0026",3,null],"bytes":"AQI=","z":2.5}');
    expect(valueAsString({ kind: 'array', value: [d(1e-7), d(1e21), s('é\u2028')] })).toBe('[1e-7,1e+21,"é\\u2028"]');
  });
});

describe('attributes as the exporter’s JSON mode writes them (json.Marshal of AsRaw)', () => {
  it('keeps types and every digit of an int64, sorts keys, keeps a repeated key’s last value, and writes {} for what Go cannot marshal', () => {
    expect(
      goJsonAttributes([
        { key: 'tfy.model.metric.input_tokens', value: { kind: 'int', value: 9007199254740993n } },
        { key: 'tfy.model.streaming', value: { kind: 'bool', value: true } },
        { key: 'cost', value: { kind: 'double', value: 0.0000831 } },
        { key: 'cost', value: { kind: 'double', value: 0.5 } },
        { key: 'tags', value: { kind: 'array', value: [{ kind: 'string', value: '<b>' }] } },
      ]),
    ).toBe('{"cost":0.5,"tags":["\\u003cb\\u003e"],"tfy.model.metric.input_tokens":9007199254740993,"tfy.model.streaming":true}');
    expect(goJsonAttributes([{ key: 'x', value: { kind: 'double', value: Number.NaN } }])).toBe('{}');
  });
});

/** HyperDX's search URL: what HyperDX's search page reads back (source, where, whereLanguage, from, to, traceId). */
import { describe, expect, it } from 'vitest';
import { hyperdxSearchUrl } from '../../electron/shared/hyperdx-url.js';

const search = { where: 'TraceId:"abc"', whereLanguage: 'lucene' as const, fromMs: 1_764_660_000_000, toMs: 1_764_663_600_000 };

describe('hyperdxSearchUrl', () => {
  it('is null without a HyperDX URL', () => {
    expect(hyperdxSearchUrl({ hyperdxUrl: null, hyperdxSourceId: 'src1' }, search)).toBeNull();
  });

  it('writes the params HyperDX reads, and never q', () => {
    const url = new URL(hyperdxSearchUrl({ hyperdxUrl: 'https://hdx.example.com', hyperdxSourceId: '66f0c0ffee' }, search)!);
    expect(url.origin + url.pathname).toBe('https://hdx.example.com/search');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      source: '66f0c0ffee',
      where: 'TraceId:"abc"',
      whereLanguage: 'lucene',
      from: '1764660000000',
      to: '1764663600000',
    });
  });

  it('keeps a path prefix, with or without its trailing slash, and drops a query or fragment of the setting', () => {
    for (const base of ['https://host/hyperdx/', 'https://host/hyperdx', 'https://host/hyperdx/?x=1#frag']) {
      const url = hyperdxSearchUrl({ hyperdxUrl: base, hyperdxSourceId: null }, search)!;
      expect(url.startsWith('https://host/hyperdx/search?'), `${base} → ${url}`).toBe(true);
      expect(new URL(url).searchParams.has('x')).toBe(false);
    }
  });

  it('encodes the query so that HyperDX gets back the exact text, & = # + % and newlines included', () => {
    const where = "SpanAttributes['tfy.input'] LIKE '%a&b=c#d+e%'\nAND Duration > 10";
    const url = hyperdxSearchUrl({ hyperdxUrl: 'http://127.0.0.1:8080', hyperdxSourceId: 's' }, { ...search, where, whereLanguage: 'sql' })!;
    expect(url).not.toContain('#');
    const params = new URL(url).searchParams;
    expect(params.get('where')).toBe(where);
    expect(params.get('whereLanguage')).toBe('sql');
    expect(params.getAll('where')).toHaveLength(1);
  });

  it('adds traceId to open the trace, and omits source when none is set (HyperDX then opens its default source)', () => {
    const url = new URL(hyperdxSearchUrl({ hyperdxUrl: 'https://hdx.example.com/', hyperdxSourceId: null }, { ...search, traceId: '0af7651916cd43dd8448eb211c80319c' })!);
    expect(url.searchParams.get('traceId')).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(url.searchParams.has('source')).toBe(false);
  });

  it('writes whole epoch milliseconds (HyperDX parses them as integers), widening a fractional range', () => {
    const url = new URL(hyperdxSearchUrl({ hyperdxUrl: 'https://h', hyperdxSourceId: 's' }, { ...search, fromMs: 1000.7, toMs: 2000.2 })!);
    expect(url.searchParams.get('from')).toBe('1000');
    expect(url.searchParams.get('to')).toBe('2001');
  });

  it('is null for a setting that is not a URL', () => {
    expect(hyperdxSearchUrl({ hyperdxUrl: 'not a url', hyperdxSourceId: null }, search)).toBeNull();
  });
});

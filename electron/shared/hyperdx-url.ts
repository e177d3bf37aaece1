/**
 * HyperDX's own search URL, the one its search page reads back (packages/app/src/DBSearchPage.tsx
 * `queryStateMap`, timeQuery.ts): `/search?source=<source id>&where=<query>&whereLanguage=lucene|sql
 * &from=<epoch ms>&to=<epoch ms>`, plus `traceId=<id>` to open one trace of a trace source. HyperDX
 * ignores `q`, so anything else lands on an unfiltered search.
 *
 * Every value is encoded once (URLSearchParams), which every HyperDX version reads. Newer versions
 * write `where` double-encoded and decode it a second time on read: that second decode leaves plain
 * text alone and falls back to the text when it fails, so only a query holding a literal, decodable
 * `%XX` would change there; encoding twice instead would show `%20` in every older version.
 */

export interface HyperdxTarget {
  hyperdxUrl: string | null;
  /** HyperDX's id of the traces source (per installation); null opens HyperDX's default source. */
  hyperdxSourceId: string | null;
}

export interface HyperdxSearch {
  where: string;
  whereLanguage: 'lucene' | 'sql';
  fromMs: number;
  toMs: number;
  traceId?: string;
}

/** The HyperDX search for `q`, or null when the profile names no HyperDX (or a URL that is not one). */
export function hyperdxSearchUrl(profile: HyperdxTarget, q: HyperdxSearch): string | null {
  if (!profile.hyperdxUrl) return null;
  let base: URL;
  try {
    base = new URL(profile.hyperdxUrl);
  } catch {
    return null;
  }
  // HyperDX served under a path (https://host/hyperdx/) keeps it: resolve `search` against the folder,
  // never `/search` against the host. A given query or fragment is not part of where HyperDX lives.
  const folder = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  const url = new URL(`${folder}search`, base.origin);
  const p = url.searchParams;
  if (profile.hyperdxSourceId) p.set('source', profile.hyperdxSourceId);
  p.set('where', q.where);
  p.set('whereLanguage', q.whereLanguage);
  p.set('from', String(Math.floor(q.fromMs)));
  p.set('to', String(Math.ceil(q.toMs)));
  if (q.traceId) p.set('traceId', q.traceId);
  return url.toString();
}

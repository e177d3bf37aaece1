/**
 * Attributes from the exporter's JSON layout (`json: true`: SpanAttributes JSON) as the flat
 * key → text map every other layout stores. ClickHouse splits dotted keys into nested paths, and
 * has no cast from JSON to Map, so the server sends toJSONString and the keys are joined again here.
 * Leaves read as the Map layouts store them: strings as-is, numbers and booleans as their JSON text.
 */
export function flattenJsonAttributes(text: string, cap = Infinity): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (value: unknown, prefix: string) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k);
      return;
    }
    const leaf = typeof value === 'string' ? value : JSON.stringify(value);
    out[prefix] = leaf.length > cap ? leaf.slice(0, cap) : leaf;
  };
  walk(JSON.parse(text) as unknown, '');
  return out;
}

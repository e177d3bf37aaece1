/**
 * The traces table described as data: which layout created it, how attributes are stored,
 * which items columns and skip indexes exist. Query builders read this description instead
 * of branching on schema names, so a new layout is a new description (as HyperDX's
 * queryParser describes its sources).
 */
export type LayoutKind = 'clickstack-text' | 'clickstack-bloom' | 'exporter' | 'exporter-json' | 'unknown';

export const LAYOUT_LABEL: Record<LayoutKind, string> = {
  'clickstack-text': 'ClickStack (text indexes on attribute items)',
  'clickstack-bloom': 'ClickStack (bloom-filter indexes)',
  exporter: 'OpenTelemetry ClickHouse exporter (Nested events and links)',
  'exporter-json': 'OpenTelemetry ClickHouse exporter (JSON attributes)',
  unknown: 'an unrecognised layout',
};

export type AttributeMap = 'SpanAttributes' | 'ResourceAttributes';

export interface SkipIndex {
  name: string;
  type: string;
  expr: string;
}

export interface TableLayout {
  kind: LayoutKind;
  label: string;
  /** Map(LowCardinality(String), String) in every layout we can query; JSON in the exporter's json mode. */
  attributeStorage: 'map' | 'json';
  /** The `key=value` array column with a text index, per attribute map, where the table has one. */
  itemsColumn: Record<AttributeMap, string | null>;
  hasEvents: boolean;
  hasLinks: boolean;
  skipIndexes: readonly SkipIndex[];
  /** Every column and its ClickHouse type: what a search may name (HyperDX fields are column names). */
  columns: Readonly<Record<string, string>>;
}

export interface ColumnInfo {
  name: string;
  type: string;
}

function itemsColumnFor(map: AttributeMap, columns: Map<string, string>, indexes: readonly SkipIndex[]): string | null {
  const name = map === 'SpanAttributes' ? 'SpanAttributeItems' : 'ResourceAttributeItems';
  if (!columns.has(name)) return null;
  // Without its text index the items column is slower than the map itself. The server shows the
  // index over the ALIAS expanded (arrayMap(... CAST(SpanAttributes, ...))), so either form counts.
  return indexes.some((i) => i.type.startsWith('text') && (i.expr.includes(name) || (i.expr.includes('concat') && i.expr.includes(`CAST(${map},`)))) ? name : null;
}

/** Tells the layouts apart by what only each one has. */
export function detectLayout(columns: readonly ColumnInfo[], indexes: readonly SkipIndex[]): TableLayout {
  const byName = new Map(columns.map((c) => [c.name, c.type]));
  const json = /^JSON/.test(byName.get('SpanAttributes') ?? '');
  const clickstack = byName.has('__hdx_materialized_rum.sessionId');
  const spanItems = itemsColumnFor('SpanAttributes', byName, indexes);
  const kind: LayoutKind = json
    ? 'exporter-json'
    : clickstack
      ? spanItems
        ? 'clickstack-text'
        : 'clickstack-bloom'
      : byName.has('SpanAttributes') && byName.has('Events.Timestamp')
        ? 'exporter'
        : 'unknown';
  return {
    kind,
    label: LAYOUT_LABEL[kind],
    attributeStorage: json ? 'json' : 'map',
    itemsColumn: { SpanAttributes: spanItems, ResourceAttributes: itemsColumnFor('ResourceAttributes', byName, indexes) },
    hasEvents: byName.has('Events.Timestamp') && byName.has('Events.Name'),
    hasLinks: byName.has('Links.TraceId'),
    skipIndexes: indexes,
    columns: Object.fromEntries(byName),
  };
}

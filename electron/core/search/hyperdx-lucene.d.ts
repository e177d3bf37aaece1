// @hyperdx/lucene ships no types; search-tree.ts checks what parse() returns with zod.
declare module '@hyperdx/lucene' {
  const lucene: { parse(query: string): unknown };
  export default lucene;
}

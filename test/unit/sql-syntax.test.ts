import { describe, expect, it } from 'vitest';
import { syntaxErrorAt } from '../../electron/core/search/sql-syntax.js';

describe('a SQL-mode syntax error, taken back into the text the user typed', () => {
  const prefix = 'EXPLAIN AST SELECT 1 WHERE ('.length;
  it('points at the token ClickHouse stopped at', () => {
    // "StatusCode = 'Error' AND AND Duration > 1": ClickHouse stops at the second AND's operand.
    expect(syntaxErrorAt(`Syntax error: failed at position ${prefix + 30} (Duration) (line 1, col ${prefix + 30}): Duration > 1)`, prefix, 41)).toEqual({ at: 29, near: 'Duration' });
  });
  it('keeps the position inside the text, and says nothing of the end of the query', () => {
    expect(syntaxErrorAt(`Syntax error: failed at position ${prefix + 99} (end of query)`, prefix, 12)).toEqual({ at: 12, near: null });
    expect(syntaxErrorAt('Syntax error somewhere', prefix, 12)).toEqual({ at: 0, near: null });
  });
});

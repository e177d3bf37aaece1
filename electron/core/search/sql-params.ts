/**
 * Query parameters for ClickHouse: every user value — attribute keys included — travels as a
 * named parameter ({p0:String}…); the SQL text holds only names and operators this code chose.
 */
export type ParamType = 'String' | 'UInt64' | 'Float64' | 'Array(String)' | 'Array(UInt64)';

export class SqlParams {
  readonly values: Record<string, unknown> = {};
  private n = 0;

  /** A copy that goes on numbering after this one's parameters. */
  clone(): SqlParams {
    const copy = new SqlParams();
    Object.assign(copy.values, this.values);
    copy.n = this.n;
    return copy;
  }

  add(type: ParamType, value: unknown): string {
    const name = `p${this.n++}`;
    this.values[name] = value;
    return `{${name}:${type}}`;
  }
}

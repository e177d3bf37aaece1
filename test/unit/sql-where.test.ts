/** SQL mode takes one WHERE expression over the spans, nothing that reaches elsewhere. */
import { describe, expect, it } from 'vitest';
import { checkWhereExpression } from '../../electron/core/search/sql-where.js';

describe('SQL filter', () => {
  it.each([
    "StatusCode = 'Error' AND Duration > 1e9",
    "SpanAttributes['tfy.request.model_name'] IN ('openai-main/gpt-4o', 'x') OR SpanName LIKE 'Chat%'",
    "has(SpanAttributeItems, 'tfy.span_type=Model') AND toFloat64OrZero(SpanAttributes['tfy.model.metric.cost_in_usd']) > 0.01",
    "lower(SpanName) = 'select' AND StatusMessage = 'from; drop -- x'",
  ])('takes %s', (expr) => {
    expect(checkWhereExpression(`  ${expr} `)).toBe(expr);
  });

  it.each([
    ["1; DROP TABLE otel_traces", /";" is not allowed/],
    ['TraceId IN (SELECT TraceId FROM system.query_log)', /"SELECT" starts another clause/],
    ["file('/etc/passwd') != ''", /file\(\) reaches outside/],
    ["dictGet('d', 'a', 1) = 1", /dictGet\(\) reaches outside/],
    ['TraceId IN default.secrets', /IN takes a list in parentheses/],
    ['1 = 1 SETTINGS readonly = 0', /"SETTINGS" starts another clause/],
    ['1 = 1 -- comment', /Comments are not allowed/],
    ["SpanName = 'x", /never closed/],
    ['(1 = 1', /never closed/],
    ['1 = 1)', /closes nothing/],
    ['  ', /empty/],
  ])('refuses %s', (expr, message) => {
    expect(() => checkWhereExpression(expr)).toThrow(message);
  });
});

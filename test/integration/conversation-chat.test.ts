/**
 * A conversation read as chat, against a real sandbox: three turns with 6 KB prompts in every
 * dialect the span-fact spec knows. Each turn must carry its new user message (not the history,
 * not the same blob three times) and its answer, in full or cut with the cut said; the system
 * prompt comes once; what was cut comes back whole from the span's payload, as "show all" fetches it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversation, MESSAGE_CAP_CHARS } from '../../electron/core/traces/conversation-query.js';
import { getSpanPayload } from '../../electron/core/traces/trace-queries.js';
import { readInput } from '../../electron/shared/conversation-turn.js';
import type { TurnMessage } from '../../electron/shared/conversation-turn.js';
import { dialectConversations, gatewayConversation, hugeToolConversation, type ConversationCase } from '../support/conversation-traffic.js';
import { otlpBody } from '../support/gateway-traffic.js';
import { postOtlp } from '../support/otlp-http.js';
import { sandboxLocation, startTestSandbox, type TestSandbox } from '../support/sandbox.js';

/** A message carried in full, or honestly cut: its start, the cut said, and its full size given. */
function expectWholeOrCut(got: TurnMessage, full: string) {
  if (!got.cut) {
    expect(got.text).toBe(full);
    return;
  }
  expect(full.startsWith(got.text)).toBe(true);
  expect(got.text.length).toBeGreaterThan(0);
  expect(got.text.length).toBeLessThanOrEqual(MESSAGE_CAP_CHARS);
  expect(got.chars).toBe(full.length);
}

// The two attribute storages the query reads differently: a Map (ClickStack's) and the exporter's JSON column.
describe.each(['clickstack', 'exporter-json'] as const)('a conversation as chat on the %s table', (schema) => {
  let sandbox: TestSandbox;
  const now = Date.now();
  const cases: ConversationCase[] = [gatewayConversation(now), ...dialectConversations(now)];
  const huge = hugeToolConversation(now);

  beforeAll(async () => {
    sandbox = await startTestSandbox({ args: ['--schema', schema] });
    const r = await postOtlp(sandbox.otlp, otlpBody([...cases, huge].flatMap((c) => c.requests)));
    expect([r.status, r.text]).toEqual([200, '{"partialSuccess":{}}']);
  }, 60_000);
  afterAll(async () => {
    await sandbox?.dispose();
  });

  it.each(['tfy', 'genai', 'openllmetry', 'openinference'] as const)('%s: each turn’s new user message and answer, the system prompt once', async (dialect) => {
    const c = cases.find((x) => x.dialect === dialect)!;
    const got = await conversation(sandboxLocation(sandbox), c.conversationId, now - 3600_000, now + 60_000);
    expect(got.turns.map((t) => t.traceId)).toEqual(c.requests.map((r) => r.traceId));
    got.turns.forEach((turn, i) => {
      const truth = c.turns[i]!;
      expect(turn.input.kind, `turn ${i + 1} input`).toBe('chat');
      // The new messages only: one user message, not the history of the earlier turns.
      expect(turn.input.messages.map((m) => m.role)).toEqual(truth.fresh.map((m) => m.role));
      turn.input.messages.forEach((m, j) => expectWholeOrCut(m, truth.fresh[j]!.text));
      expect(turn.input.omitted).toBe(0);
      expect(turn.output.kind).toBe('chat');
      expect(turn.output.messages).toHaveLength(1);
      expect(turn.output.messages[0]!.role).toBe('assistant');
      expectWholeOrCut(turn.output.messages[0]!, truth.answer);
    });
    // A 6 KB message does not fit the cap: the cut is said, never silent.
    expect(got.turns[1]!.input.messages[0]!.cut).toBe(true);
    // The system prompt once: at the first turn, not repeated by the turns that repeat it.
    expect(got.turns.map((t) => t.system.length)).toEqual([1, 0, 0]);
    expectWholeOrCut(got.turns[0]!.system[0]!, c.system);
    expect(got.turns[0]!.system[0]!.role).toBe('system');
  });

  it('"show all": the payload of the turn’s span gives the cut message back whole, at the index the turn names', async () => {
    for (const c of cases) {
      const got = await conversation(sandboxLocation(sandbox), c.conversationId, now - 3600_000, now + 60_000);
      const turn = got.turns[2]!;
      const cut = turn.input.messages[0]!;
      expect(cut.cut).toBe(true);
      const payload = await getSpanPayload(sandboxLocation(sandbox), turn.traceId, turn.input.spanId, Math.floor(Number(BigInt(turn.tsNs) / 1_000_000n)));
      const whole = readInput(payload.input).fresh.find((m) => m.index === cut.index)!;
      expect(whole.message.text, c.dialect).toBe(c.turns[2]!.fresh[0]!.text);
    }
  });

  it('a turn whose input is too big to read with the conversation says so, keeps its answer, and its payload still gives the new message', async () => {
    const got = await conversation(sandboxLocation(sandbox), huge.conversationId, now - 3600_000, now + 60_000);
    expect(got.turns.map((t) => t.input.kind)).toEqual(['chat', 'deferred', 'deferred']);
    for (const turn of got.turns.slice(1)) {
      expect(turn.input.messages).toEqual([]);
      expect(turn.input.note).toMatch(/^Its input is \d{3} KB, too big to read with the conversation\.$/);
      expect(turn.input.spanId).not.toBe('');
    }
    // The answers are small and read as usual.
    expect(got.turns.map((t) => t.output.messages[0]?.text)).toEqual(huge.turns.map((t) => t.answer.slice(0, MESSAGE_CAP_CHARS)));
    expect(got.turns[0]!.system).toHaveLength(1);
    const turn = got.turns[1]!;
    const payload = await getSpanPayload(sandboxLocation(sandbox), turn.traceId, turn.input.spanId, Math.floor(Number(BigInt(turn.tsNs) / 1_000_000n)));
    expect(readInput(payload.input).fresh.map((m) => m.message.text)).toEqual([huge.turns[1]!.fresh[0]!.text]);
  });
});

/**
 * Three-turn conversations with real-sized prompts (a 6 KB system prompt and 6 KB user
 * messages), as each instrumentation writes them: the gateway's tfy.input / tfy.output (on the
 * gateway's span tree, from gateway-traffic.ts), OTel GenAI (gen_ai.input.messages with parts,
 * gen_ai.system_instructions apart), OpenLLMetry's indexed gen_ai.prompt.N.*, and OpenInference's
 * indexed llm.input_messages.N.message.* keyed by session.id. Written with the documented key
 * strings, not the app's constants. Each turn's input is the whole history, as clients send it;
 * tool calls and tool answers sit in the history. `truth` is what a reader must find per turn.
 */
import { randomBytes } from 'node:crypto';
import { gatewayRequest, seeded, type GenRequest, type GenSpan } from './gateway-traffic.js';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** About `bytes` of text that starts with a marker a test can look for, and ends with one (to prove it came whole). */
export function bigText(marker: string, bytes = 6_000): string {
  const filler = ` ${marker} keeps to the policy: check the order, the address and the carrier before answering.`;
  return `${marker} BEGIN.${filler.repeat(Math.ceil(bytes / filler.length))} ${marker} END.`;
}

export interface TurnTruth {
  /** The new messages of the turn's input, by role and text, in order. */
  fresh: { role: string; text: string }[];
  answer: string;
}

export interface ConversationCase {
  dialect: 'tfy' | 'genai' | 'openllmetry' | 'openinference';
  conversationId: string;
  system: string;
  turns: TurnTruth[];
  requests: GenRequest[];
}

type Msg = { role: string; content: string | null; tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[]; tool_call_id?: string };

/** The OpenAI-shaped history of the three turns: turn 2 holds a tool call and its answer before the user's new question. */
function script(id: string) {
  const system = bigText(`SYSTEM-${id}`);
  const users = [bigText(`Q1-${id}`), bigText(`Q2-${id}`), bigText(`Q3-${id}`)];
  const answers = [`A1-${id}: order 1001 ships tomorrow.`, `A2-${id}: the carrier is DHL.`, bigText(`A3-${id}`)];
  const call: Msg = { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"order":1001}' } }] };
  const toolAnswer: Msg = { role: 'tool', tool_call_id: 'call_1', content: `T-${id}: {"status":"packed"}` };
  // Turn 1 asks; the client ran a tool before the answer, so turn 2's history carries the call and its result.
  const inputs: Msg[][] = [
    [{ role: 'system', content: system }, { role: 'user', content: users[0]! }],
    [{ role: 'system', content: system }, { role: 'user', content: users[0]! }, call, toolAnswer, { role: 'assistant', content: answers[0]! }, { role: 'user', content: users[1]! }],
    [
      { role: 'system', content: system },
      { role: 'user', content: users[0]! },
      call,
      toolAnswer,
      { role: 'assistant', content: answers[0]! },
      { role: 'user', content: users[1]! },
      { role: 'assistant', content: answers[1]! },
      { role: 'user', content: users[2]! },
    ],
  ];
  const turns: TurnTruth[] = users.map((u, i) => ({ fresh: [{ role: 'user', text: u }], answer: answers[i]! }));
  return { system, inputs, answers, turns };
}

/** GenAI's parts shape for one OpenAI-shaped message. */
function genaiMessage(m: Msg) {
  const parts: Record<string, unknown>[] = [];
  if (m.role === 'tool') parts.push({ type: 'tool_call_response', id: m.tool_call_id, response: m.content });
  else if (m.content) parts.push({ type: 'text', content: m.content });
  for (const c of m.tool_calls ?? []) parts.push({ type: 'tool_call', id: c.id, name: c.function.name, arguments: JSON.parse(c.function.arguments) as unknown });
  return { role: m.role, parts };
}

function indexed(prefix: string, role: string, content: string, list: Msg[]): Record<string, string> {
  const out: Record<string, string> = {};
  list.forEach((m, i) => {
    out[`${prefix}.${i}.${role}`] = m.role;
    out[`${prefix}.${i}.${content}`] = m.content ?? '';
  });
  return out;
}

/** One span of an app's own LLM call (no gateway): a root 'chat <model>' span with the dialect's attributes. */
function appSpan(at: number, attributes: Record<string, string | number>): GenRequest {
  const span: GenSpan = { spanId: hex(8), parentSpanId: '', name: 'chat gpt-4o', kind: 3, startMs: at, durationMs: 900, attributes };
  return { traceId: hex(16), kind: 'chat', model: 'gpt-4o', user: '', conversationId: '', inputTokens: 0, outputTokens: 0, costUsd: 0, failed: false, mcp: null, startMs: at, spans: [span] };
}

/** The gateway's three turns, on its own span tree (metrics on the Model span), 20 s apart, ending before `endMs`. */
export function gatewayConversation(endMs: number, seed = 7): ConversationCase {
  const conversationId = `conv-chat-${hex(3)}`;
  const s = script(conversationId);
  const rnd = seeded(seed);
  const requests = s.inputs.map((input, i) => {
    const r = gatewayRequest('chat', endMs - 120_000 + i * 20_000, rnd, { conversationId, turn: i, model: 0 });
    const root = r.spans.find((x) => x.parentSpanId === '')!;
    root.attributes['tfy.input'] = JSON.stringify(input);
    root.attributes['tfy.output'] = JSON.stringify({ role: 'assistant', content: s.answers[i] });
    return r;
  });
  return { dialect: 'tfy', conversationId, system: s.system, turns: s.turns, requests };
}

/** The same three turns from an app's own instrumentation in each other dialect. */
export function dialectConversations(endMs: number): ConversationCase[] {
  const at = (i: number) => endMs - 110_000 + i * 20_000;
  const genaiId = `conv-genai-${hex(3)}`;
  const g = script(genaiId);
  const genai = g.inputs.map((input, i) =>
    appSpan(at(i), {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.conversation.id': genaiId,
      // GenAI keeps the system prompt apart from the messages.
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: g.system }]),
      'gen_ai.input.messages': JSON.stringify(input.filter((m) => m.role !== 'system').map(genaiMessage)),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: g.answers[i] }], finish_reason: 'stop' }]),
    }),
  );
  const llId = `conv-openllmetry-${hex(3)}`;
  const l = script(llId);
  const openllmetry = l.inputs.map((input, i) =>
    appSpan(at(i), {
      'llm.request.type': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.conversation.id': llId,
      ...indexed('gen_ai.prompt', 'role', 'content', input),
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.content': l.answers[i]!,
    }),
  );
  const oiId = `conv-openinference-${hex(3)}`;
  const o = script(oiId);
  const openinference = o.inputs.map((input, i) =>
    appSpan(at(i), {
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o',
      'session.id': oiId,
      ...indexed('llm.input_messages', 'message.role', 'message.content', input),
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': o.answers[i]!,
    }),
  );
  return [
    { dialect: 'genai', conversationId: genaiId, system: g.system, turns: g.turns, requests: genai },
    { dialect: 'openllmetry', conversationId: llId, system: l.system, turns: l.turns, requests: openllmetry },
    { dialect: 'openinference', conversationId: oiId, system: o.system, turns: o.turns, requests: openinference },
  ];
}

/**
 * The gateway's three turns where a tool answered with about 300 KB (a file, a query result): from
 * turn 2 on, each input carries it in its history, past what a transcript reads with the conversation.
 */
export function hugeToolConversation(endMs: number, seed = 11): ConversationCase {
  const c = gatewayConversation(endMs, seed);
  const huge = bigText(`TOOL-${c.conversationId}`, 300_000);
  for (const r of c.requests.slice(1)) {
    const root = r.spans.find((x) => x.parentSpanId === '')!;
    const input = JSON.parse(String(root.attributes['tfy.input'])) as Msg[];
    root.attributes['tfy.input'] = JSON.stringify(input.map((m) => (m.role === 'tool' ? { ...m, content: huge } : m)));
  }
  return c;
}

/** What a turn of a conversation says: the messages new since the previous answer, the system prompt apart, caps said. */
import { describe, expect, it } from 'vitest';
import { capMessages, readInput, readOutput, sameSystem } from '../../electron/shared/conversation-turn.js';

const texts = (list: { message: { role: string; text: string } }[]) => list.map((m) => `${m.message.role}:${m.message.text}`);

describe('readInput', () => {
  it('keeps what follows the last assistant message, and the system prompt apart', () => {
    const input = JSON.stringify([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'q2' },
    ]);
    const r = readInput(input);
    expect(r.kind).toBe('chat');
    expect(texts(r.system)).toEqual(['system:Be brief.']);
    expect(texts(r.fresh)).toEqual(['user:q2']);
    expect(r.fresh[0]!.index).toBe(3);
  });

  it('in a tool loop, the tool answers are what is new after the assistant’s call', () => {
    const input = JSON.stringify([
      { role: 'developer', content: 'Use tools.' },
      { role: 'user', content: 'where is my order?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'packed' },
      { role: 'tool', tool_call_id: 'c2', content: 'DHL' },
    ]);
    const r = readInput(input);
    expect(texts(r.fresh)).toEqual(['tool:packed', 'tool:DHL']);
    expect(texts(r.system)).toEqual(['developer:Use tools.']);
  });

  it('a first turn (no answer yet) is new as a whole, less its system prompt', () => {
    expect(texts(readInput(JSON.stringify([{ role: 'system', content: 's' }, { role: 'user', content: 'a' }, { role: 'user', content: 'b' }])).fresh)).toEqual(['user:a', 'user:b']);
  });

  it('plain text is the user’s message; JSON that is not chat is "other"; nothing is "none"', () => {
    expect(readInput('What colour is the sky?')).toMatchObject({ kind: 'text', fresh: [{ message: { role: 'user', text: 'What colour is the sky?' } }] });
    expect(readInput('"hello"')).toMatchObject({ kind: 'text', fresh: [{ message: { text: 'hello' } }] });
    expect(readInput('{"input":[0.1,0.2]}')).toMatchObject({ kind: 'other', fresh: [], system: [] });
    expect(readInput('')).toMatchObject({ kind: 'none', fresh: [] });
  });
});

describe('readOutput', () => {
  it('reads an OpenAI response, one message, and plain text as the assistant’s', () => {
    expect(texts(readOutput('{"choices":[{"message":{"role":"assistant","content":"Hi"}}]}').messages)).toEqual(['assistant:Hi']);
    expect(texts(readOutput('{"role":"assistant","content":"Hello"}').messages)).toEqual(['assistant:Hello']);
    expect(texts(readOutput('Sure.').messages)).toEqual(['assistant:Sure.']);
  });
});

describe('capMessages', () => {
  it('keeps the latest messages, says how many were left out, and cuts long text with its full size', () => {
    const list = readInput(JSON.stringify(Array.from({ length: 5 }, (_, i) => ({ role: 'user', content: `m${i}-${'x'.repeat(i * 10)}` })))).fresh;
    const capped = capMessages(list, 3, 25);
    expect(capped.omitted).toBe(2);
    expect(capped.messages.map((m) => m.index)).toEqual([2, 3, 4]);
    expect(capped.messages.map((m) => m.cut)).toEqual([false, true, true]);
    expect(capped.messages[2]).toMatchObject({ text: `m4-${'x'.repeat(22)}`, chars: 43, cut: true });
  });

  it('cuts a tool call’s arguments too, and counts them', () => {
    const call = readOutput(JSON.stringify({ role: 'assistant', content: null, tool_calls: [{ function: { name: 'f', arguments: 'y'.repeat(50) } }] })).messages;
    expect(capMessages(call, 5, 10).messages[0]).toMatchObject({ cut: true, chars: 50, toolCalls: [{ name: 'f', arguments: 'y'.repeat(10) }] });
  });
});

describe('sameSystem', () => {
  it('compares system prompts in full', () => {
    const a = readInput(JSON.stringify([{ role: 'system', content: `${'p'.repeat(5000)}A` }])).system;
    const b = readInput(JSON.stringify([{ role: 'system', content: `${'p'.repeat(5000)}B` }])).system;
    expect(sameSystem(a, a)).toBe(true);
    expect(sameSystem(a, b)).toBe(false);
    expect(sameSystem(a, [])).toBe(false);
  });
});

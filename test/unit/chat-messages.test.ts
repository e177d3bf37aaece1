/** Chat messages from the shapes senders use; anything else is not a chat. */
import { describe, expect, it } from 'vitest';
import { parseChat } from '../../electron/shared/chat-messages.js';

describe('parseChat', () => {
  it('reads a list of OpenAI messages with tool calls and a tool answer', () => {
    const input = JSON.stringify([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }, { type: 'image_url', image_url: { url: 'x' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: '18°C' },
    ]);
    expect(parseChat(input)).toEqual([
      { role: 'system', text: 'Be brief.', toolCalls: [], toolCallId: '' },
      { role: 'user', text: 'Weather in Paris?\n[image_url]', toolCalls: [], toolCallId: '' },
      { role: 'assistant', text: '', toolCalls: [{ name: 'get_weather', arguments: '{\n  "city": "Paris"\n}' }], toolCallId: '' },
      { role: 'tool', text: '18°C', toolCalls: [], toolCallId: 'c1' },
    ]);
  });

  it('reads an OpenAI response, one message, {messages}, and GenAI parts', () => {
    expect(parseChat('{"choices":[{"message":{"role":"assistant","content":"Hi"}}]}')).toEqual([{ role: 'assistant', text: 'Hi', toolCalls: [], toolCallId: '' }]);
    expect(parseChat('{"role":"assistant","content":"Hello"}')?.[0]?.text).toBe('Hello');
    expect(parseChat('{"messages":[{"role":"user","content":"q"}]}')?.[0]?.role).toBe('user');
    expect(parseChat('[{"role":"user","parts":[{"type":"text","content":"hey"}]}]')?.[0]?.text).toBe('hey');
  });

  it('reads GenAI tool calls and tool answers in parts, the answer as text with the call it answers', () => {
    const input = JSON.stringify([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'lookup_order', arguments: { order: 1001 } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: { status: 'packed' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c2', response: 'done' }] },
    ]);
    expect(parseChat(input)).toEqual([
      { role: 'assistant', text: '', toolCalls: [{ name: 'lookup_order', arguments: '{\n  "order": 1001\n}' }], toolCallId: '' },
      { role: 'tool', text: '{\n  "status": "packed"\n}', toolCalls: [], toolCallId: 'c1' },
      { role: 'tool', text: 'done', toolCalls: [], toolCallId: 'c2' },
    ]);
  });

  it('says "not a chat" for plain text, other JSON, and half-chats', () => {
    expect(parseChat('OK')).toBeNull();
    expect(parseChat('{"embedding":[0.1,0.2]}')).toBeNull();
    expect(parseChat('[{"role":"user","content":"q"}, 42]')).toBeNull();
    expect(parseChat('[]')).toBeNull();
  });
});

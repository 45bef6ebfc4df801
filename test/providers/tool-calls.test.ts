import { describe, expect, it } from 'vitest';
import type { ChatRequest, StreamEvent, ThinkingBlock, ToolDefinition } from '../../src/providers/types.js';
import { PROTOCOLS, useBothProtocols } from './both-protocols.js';
import { collect } from './collect-stream.js';

const weather: ToolDefinition = {
  name: 'weather__forecast',
  description: 'The forecast for a city.',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

const start = useBothProtocols();

/** A question, the call the model made for it (after thinking) and the call's result. */
const weatherLookup = (thinking: ThinkingBlock): ChatRequest['messages'] => [
  { role: 'user', content: 'Weather in Tokyo?' },
  {
    role: 'assistant',
    content: 'Checking.',
    toolCalls: [{ id: 'call_1', name: 'weather__forecast', arguments: { city: 'Tokyo' } }],
    thinking: [thinking],
  },
  { role: 'tool', toolCallId: 'call_1', name: 'weather__forecast', content: 'sunny, 21°C' },
];

const calls = (events: StreamEvent[]) =>
  events.filter((e): e is Extract<StreamEvent, { type: 'tool-call' }> => e.type === 'tool-call');

// Arguments with a quote escape, a backslash, a multi-byte character and an emoji, cut every 2 units.
const awkward = '{"city":"T\\"ōkyō\\\\ 🌸","days":3}';

describe.each(PROTOCOLS)('%s adapter: tool calls', (name) => {
  it('streams text, then two parallel calls with arguments split at awkward places', async () => {
    const { provider, server } = await start(name);
    server.enqueue({
      text: 'Let me check.',
      toolCalls: [
        { id: 'call_a', name: 'weather__forecast', arguments: awkward, argumentChars: 2 },
        { id: 'call_b', name: 'clock__now', arguments: '{}' },
      ],
      usage: { inputTokens: 50, outputTokens: 20 },
    });
    const request: ChatRequest = {
      model: 'm',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [weather],
    };
    const result = await collect((emit) => provider.stream(request, new AbortController().signal, emit));
    expect(result.error).toBeUndefined();
    expect(result.text).toBe('Let me check.');
    expect(calls(result.events).map((e) => e.call)).toEqual([
      { id: 'call_a', name: 'weather__forecast', arguments: { city: 'T"ōkyō\\ 🌸', days: 3 } },
      { id: 'call_b', name: 'clock__now', arguments: {} },
    ]);
    const fragments = result.events
      .filter((e): e is Extract<StreamEvent, { type: 'tool-call-delta' }> => e.type === 'tool-call-delta')
      .filter((e) => e.id === 'call_a')
      .map((e) => e.argumentsDelta);
    expect(fragments.length).toBeGreaterThan(5);
    expect(fragments.join('')).toBe(awkward);
    expect(
      result.events.filter((e) => e.type === 'tool-call-start').map((e) => (e as { name: string }).name),
    ).toEqual(['weather__forecast', 'clock__now']);
    expect(result.finish).toMatchObject({
      type: 'finish',
      reason: 'tool-calls',
      usage: { inputTokens: 50, outputTokens: 20 },
    });
    // The tool definition went out in the protocol's own shape.
    const body = server.requests[0]?.body as { tools: unknown[] };
    expect(JSON.stringify(body.tools)).toContain('"city"');
    expect(body.tools).toHaveLength(1);
  });

  it('turns malformed argument JSON into a call with an error, not a crash', async () => {
    const { provider, server } = await start(name);
    server.enqueue({ text: '', toolCalls: [{ name: 'weather__forecast', arguments: '{"city": "Par' }] });
    const result = await collect((emit) =>
      provider.stream(
        { model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [weather] },
        new AbortController().signal,
        emit,
      ),
    );
    expect(result.error).toBeUndefined();
    const [call] = calls(result.events);
    expect(call?.call.arguments).toEqual({});
    expect(call?.error).toMatch(/not valid JSON/);
  });

  it('sends tool calls and results back in its own format on the next request', async () => {
    const { provider, server } = await start(name);
    server.enqueue({ text: 'It is sunny.' });
    const result = await collect((emit) =>
      provider.stream(
        {
          model: 'm',
          messages: weatherLookup({ text: 'I should look it up.', signature: 'sig-123' }),
          tools: [weather],
          ...(name === 'anthropic' ? { thinkingBudgetTokens: 1024 } : {}),
        },
        new AbortController().signal,
        emit,
      ),
    );
    expect(result.error).toBeUndefined();
    const messages = server.requests[0]?.messages;
    if (name === 'openai') {
      expect(messages?.slice(1)).toEqual([
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'weather__forecast', arguments: '{"city":"Tokyo"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny, 21°C' },
      ]);
    } else {
      expect(messages?.slice(1)).toEqual([
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'I should look it up.', signature: 'sig-123' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'call_1', name: 'weather__forecast', input: { city: 'Tokyo' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'sunny, 21°C' }] },
      ]);
    }
  });
});

describe.each(PROTOCOLS)('%s adapter: tool history in a request without tools', (name) => {
  it('sends earlier calls and results as plain text, never as tool blocks', async () => {
    const { provider, server } = await start(name);
    server.enqueue({ text: 'It was sunny.' });
    const result = await collect((emit) =>
      provider.stream(
        {
          model: 'm',
          messages: [
            ...weatherLookup({ text: 'Look it up.', signature: 'sig-1' }),
            { role: 'assistant', content: 'Sunny.' },
            { role: 'user', content: 'And yesterday?' },
          ],
        },
        new AbortController().signal,
        emit,
      ),
    );
    // The Anthropic fake refuses tool blocks without tool definitions, as the real API does.
    expect(result.error).toBeUndefined();
    expect(result.text).toBe('It was sunny.');
    const request = server.requests[0];
    expect(request?.body).not.toHaveProperty('tools');
    expect(request?.messages).toEqual([
      { role: 'user', content: 'Weather in Tokyo?' },
      { role: 'assistant', content: 'Checking.\n\n[called weather__forecast {"city":"Tokyo"}]' },
      { role: 'user', content: '[weather__forecast result: sunny, 21°C]' },
      { role: 'assistant', content: 'Sunny.' },
      { role: 'user', content: 'And yesterday?' },
    ]);
  });

  it('joins the results of a stopped round with the next question, so roles alternate', async () => {
    const { provider, server } = await start(name);
    server.enqueue({ text: 'Sorry.' });
    const result = await collect((emit) =>
      provider.stream(
        {
          model: 'm',
          messages: [
            { role: 'user', content: 'Hang?' },
            { role: 'assistant', content: '', toolCalls: [{ id: 'h', name: 'web__hang', arguments: {} }] },
            { role: 'tool', toolCallId: 'h', name: 'web__hang', content: 'timed out', isError: true },
            { role: 'user', content: 'Try again' },
          ],
        },
        new AbortController().signal,
        emit,
      ),
    );
    expect(result.error).toBeUndefined();
    expect(server.requests[0]?.messages).toEqual([
      { role: 'user', content: 'Hang?' },
      { role: 'assistant', content: '[called web__hang {}]' },
      { role: 'user', content: '[web__hang failed: timed out]\n\nTry again' },
    ]);
  });
});

describe('anthropic adapter: thinking before a tool call', () => {
  it('yields the signed thinking block so it can be sent back', async () => {
    const { provider, server } = await start('anthropic');
    server.enqueue({
      reasoning: 'Need the weather.',
      text: 'One moment.',
      toolCalls: [{ id: 'toolu_1', name: 'weather__forecast', arguments: '{"city":"Oslo"}' }],
    });
    const result = await collect((emit) =>
      provider.stream(
        {
          model: 'm',
          messages: [{ role: 'user', content: 'x' }],
          tools: [weather],
          thinkingBudgetTokens: 1024,
        },
        new AbortController().signal,
        emit,
      ),
    );
    expect(result.error).toBeUndefined();
    expect(result.reasoning).toBe('Need the weather.');
    const block = result.events.find((e) => e.type === 'thinking-block');
    expect(block).toMatchObject({ block: { text: 'Need the weather.', signature: expect.any(String) } });
    expect(calls(result.events)[0]?.call).toEqual({
      id: 'toolu_1',
      name: 'weather__forecast',
      arguments: { city: 'Oslo' },
    });
  });
});

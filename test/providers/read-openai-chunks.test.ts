import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { createOpenAIChunkReader } from '../../src/providers/read-openai-chunks.js';

type Delta = Record<string, unknown>;

const chunk = (delta: Delta, finish: string | null = null): ChatCompletionChunk =>
  ({
    id: 'c',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finish }],
  }) as ChatCompletionChunk;

const usageChunk = {
  id: 'c',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'm',
  choices: [],
  usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
} as ChatCompletionChunk;

describe('createOpenAIChunkReader', () => {
  it('maps text and both reasoning fields, in the order a chunk holds them', () => {
    const reader = createOpenAIChunkReader();
    expect(reader.read(chunk({ role: 'assistant', content: '' }))).toEqual([]);
    expect(reader.read(chunk({ reasoning_content: 'think', content: 'Hi' }))).toEqual([
      { type: 'reasoning-delta', text: 'think' },
      { type: 'text-delta', text: 'Hi' },
    ]);
    expect(reader.read(chunk({ reasoning: 'more' }))).toEqual([{ type: 'reasoning-delta', text: 'more' }]);
    expect(reader.read(chunk({ content: ' there' }))).toEqual([{ type: 'text-delta', text: ' there' }]);
  });

  it('assembles interleaved tool calls and ends with them in index order, then the finish and usage', () => {
    const reader = createOpenAIChunkReader();
    const fragment = (index: number, fn: Delta, id?: string) => ({
      index,
      ...(id ? { id } : {}),
      function: fn,
    });
    expect(
      reader.read(chunk({ tool_calls: [fragment(1, { name: 'b', arguments: '{"x"' }, 'id-b')] })),
    ).toEqual([
      { type: 'tool-call-start', id: 'id-b', name: 'b' },
      { type: 'tool-call-delta', id: 'id-b', argumentsDelta: '{"x"' },
    ]);
    reader.read(chunk({ tool_calls: [fragment(0, { name: 'a', arguments: '{}' })] }));
    reader.read(chunk({ tool_calls: [fragment(1, { arguments: ':1}' })] }, 'tool_calls'));
    expect(reader.wasCut()).toBe(false);
    reader.read(usageChunk);
    expect(reader.end()).toEqual([
      { type: 'tool-call', call: { id: 'call_0', name: 'a', arguments: {} } },
      { type: 'tool-call', call: { id: 'id-b', name: 'b', arguments: { x: 1 } } },
      { type: 'finish', reason: 'tool-calls', usage: { inputTokens: 7, outputTokens: 3 } },
    ]);
  });

  it('knows a stream without a finish reason was cut', () => {
    const reader = createOpenAIChunkReader();
    reader.read(chunk({ content: 'half' }));
    expect(reader.wasCut()).toBe(true);
  });
});

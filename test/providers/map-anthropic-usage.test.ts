import { describe, expect, it } from 'vitest';
import { mapAnthropicUsage } from '../../src/providers/map-anthropic-usage.js';

describe('mapAnthropicUsage', () => {
  it('adds cache reads and writes to the input and keeps each apart', () => {
    expect(
      mapAnthropicUsage({
        inputTokens: 10,
        outputTokens: 50,
        cacheReadTokens: 60,
        cacheCreationTokens: 30,
        thinkingTokens: 20,
      }),
    ).toEqual({
      inputTokens: 100,
      outputTokens: 50,
      cachedInputTokens: 60,
      cacheWriteTokens: 30,
      reasoningTokens: 20,
    });
  });

  it('leaves out what was not reported', () => {
    expect(
      mapAnthropicUsage({
        inputTokens: 10,
        outputTokens: 5,
        cacheReadTokens: null,
        cacheCreationTokens: undefined,
        thinkingTokens: undefined,
      }),
    ).toEqual({ inputTokens: 10, outputTokens: 5 });
  });

  it('is undefined without input or output counts', () => {
    const none = { cacheReadTokens: undefined, cacheCreationTokens: undefined, thinkingTokens: undefined };
    expect(mapAnthropicUsage({ inputTokens: undefined, outputTokens: 3, ...none })).toBeUndefined();
    expect(mapAnthropicUsage({ inputTokens: 3, outputTokens: undefined, ...none })).toBeUndefined();
  });
});

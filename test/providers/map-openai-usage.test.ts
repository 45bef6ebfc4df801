import { describe, expect, it } from 'vitest';
import { mapOpenAIUsage } from '../../src/providers/map-openai-usage.js';

describe('mapOpenAIUsage', () => {
  it('maps totals and breakdowns one to one', () => {
    expect(
      mapOpenAIUsage({
        prompt_tokens: 100,
        completion_tokens: 40,
        total_tokens: 140,
        prompt_tokens_details: { cached_tokens: 64, cache_write_tokens: 10 },
        completion_tokens_details: { reasoning_tokens: 25 },
      }),
    ).toEqual({
      inputTokens: 100,
      outputTokens: 40,
      cachedInputTokens: 64,
      cacheWriteTokens: 10,
      reasoningTokens: 25,
    });
  });

  it("reads DeepSeek's prompt_cache_hit_tokens when the details are missing", () => {
    expect(
      mapOpenAIUsage({
        prompt_tokens: 50,
        completion_tokens: 5,
        total_tokens: 55,
        prompt_cache_hit_tokens: 32,
      }),
    ).toEqual({ inputTokens: 50, outputTokens: 5, cachedInputTokens: 32 });
  });

  it('is undefined when the totals are missing', () => {
    expect(mapOpenAIUsage({ total_tokens: 3 } as never)).toBeUndefined();
  });
});

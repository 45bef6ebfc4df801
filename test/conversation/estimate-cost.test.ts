import { describe, expect, it } from 'vitest';
import { estimateCost } from '../../src/conversation/estimate-cost.js';

const price = { input: 3, cachedInput: 0.3, output: 15, cacheWrite: 3.75 };

describe('estimateCost', () => {
  it('prices cached, cache-written and plain input apart, and output', () => {
    const cost = estimateCost(
      {
        inputTokens: 1_000_000,
        cachedInputTokens: 400_000,
        cacheWriteTokens: 100_000,
        outputTokens: 200_000,
      },
      price,
    );
    // 500k plain at $3, 400k cached at $0.30, 100k written at $3.75, 200k out at $15.
    expect(cost).toBeCloseTo(1.5 + 0.12 + 0.375 + 3, 10);
  });

  it('is unknown when the provider reported no tokens', () => {
    expect(
      estimateCost(
        { inputTokens: null, cachedInputTokens: null, cacheWriteTokens: null, outputTokens: null },
        price,
      ),
    ).toBeUndefined();
  });
});

import type { ModelPrice } from '../config.js';
import type { TokenTotals } from '../storage/usage.js';

/**
 * US dollars for these tokens at this price (per million tokens): cached and cache-written input at
 * their own prices, the rest of the input at the input price. Undefined when the tokens are unknown.
 */
export function estimateCost(
  totals: Pick<TokenTotals, 'inputTokens' | 'cachedInputTokens' | 'cacheWriteTokens' | 'outputTokens'>,
  price: ModelPrice,
): number | undefined {
  if (totals.inputTokens === null || totals.outputTokens === null) return undefined;
  const cached = totals.cachedInputTokens ?? 0;
  const written = totals.cacheWriteTokens ?? 0;
  const plainInput = Math.max(0, totals.inputTokens - cached - written);
  return (
    (plainInput * price.input +
      cached * price.cachedInput +
      written * price.cacheWrite +
      totals.outputTokens * price.output) /
    1_000_000
  );
}

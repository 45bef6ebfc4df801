import type { Usage } from './types.js';

/** The latest running totals of an Anthropic stream, each as last reported (null/undefined: not reported). */
export interface AnthropicUsageTotals {
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  cacheReadTokens: number | null | undefined;
  cacheCreationTokens: number | null | undefined;
  thinkingTokens: number | undefined;
}

/**
 * Anthropic totals -> Usage. Anthropic's `input_tokens` exclude cache reads and writes, so Usage's
 * `inputTokens` adds them back, and keeps each apart as `cachedInputTokens` / `cacheWriteTokens`.
 * Undefined when the stream reported no input or output count.
 */
export function mapAnthropicUsage(totals: AnthropicUsageTotals): Usage | undefined {
  const { inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens, thinkingTokens } = totals;
  if (inputTokens === undefined || outputTokens === undefined) return undefined;
  const usage: Usage = {
    inputTokens: inputTokens + (cacheReadTokens ?? 0) + (cacheCreationTokens ?? 0),
    outputTokens,
  };
  if (typeof cacheReadTokens === 'number') usage.cachedInputTokens = cacheReadTokens;
  if (typeof cacheCreationTokens === 'number') usage.cacheWriteTokens = cacheCreationTokens;
  if (thinkingTokens !== undefined) usage.reasoningTokens = thinkingTokens;
  return usage;
}

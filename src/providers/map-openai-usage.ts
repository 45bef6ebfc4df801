import type { CompletionUsage } from 'openai/resources/completions';
import type { Usage } from './types.js';

/** DeepSeek reports its cache hits beside the OpenAI fields (older versions only there). */
interface CompatibleUsage extends CompletionUsage {
  prompt_cache_hit_tokens?: number;
}

/**
 * An OpenAI usage report -> Usage: `prompt_tokens` already include cached tokens and
 * `completion_tokens` include reasoning tokens, so they map one to one. Undefined when the report
 * lacks the two totals (a compatible server sending a partial object).
 */
export function mapOpenAIUsage(usage: CompatibleUsage): Usage | undefined {
  if (typeof usage.prompt_tokens !== 'number' || typeof usage.completion_tokens !== 'number')
    return undefined;
  const result: Usage = { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens };
  const cached = usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens;
  if (typeof cached === 'number') result.cachedInputTokens = cached;
  const written = usage.prompt_tokens_details?.cache_write_tokens;
  if (typeof written === 'number') result.cacheWriteTokens = written;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === 'number') result.reasoningTokens = reasoning;
  return result;
}

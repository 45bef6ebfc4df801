import type { Usage } from '../providers/types.js';

/**
 * The usage of an answer that took several requests (tool rounds): each request's final report,
 * added field by field. A field no request reported stays undefined; no report at all is undefined.
 */
export function sumUsage(reports: readonly (Usage | undefined)[]): Usage | undefined {
  const present = reports.filter((usage): usage is Usage => usage !== undefined);
  if (present.length === 0) return undefined;
  const total: Usage = { inputTokens: 0, outputTokens: 0 };
  for (const usage of present) {
    total.inputTokens += usage.inputTokens;
    total.outputTokens += usage.outputTokens;
    for (const key of ['cachedInputTokens', 'cacheWriteTokens', 'reasoningTokens'] as const) {
      const value = usage[key];
      if (value !== undefined) total[key] = (total[key] ?? 0) + value;
    }
  }
  return total;
}

import type { Transformer } from 'grammy';
import type { Metrics } from './create-metrics.js';

/** A grammY API transformer that counts every Bot API call and every 429, by method. */
export function countTelegramCalls(metrics: Metrics): Transformer {
  return async (previous, method, payload, signal) => {
    metrics.telegramCalls.inc({ method });
    const result = await previous(method, payload, signal);
    if (!result.ok && result.error_code === 429) metrics.telegramRateLimited.inc({ method });
    return result;
  };
}

import type { Transformer } from 'grammy';

/**
 * What @grammyjs/auto-retry does with its defaults (not installed here): a call answered with
 * `retry_after` sleeps that long and is made again, forever; 5xx answers back off from 3 s, doubling.
 * The baseline bot uses it, as many bots do, to survive flood waits instead of avoiding them.
 */
export function autoRetry(deps: {
  signal: AbortSignal;
  onRetryAfter?: (seconds: number) => void;
}): Transformer {
  return async (prev, method, payload, signal) => {
    let result = await prev(method, payload, signal);
    let backoffMs = 3000;
    while (!result.ok && !deps.signal.aborted) {
      const retryAfter = result.parameters?.retry_after;
      if (typeof retryAfter === 'number') {
        deps.onRetryAfter?.(retryAfter);
        await sleep(retryAfter * 1000, deps.signal);
        backoffMs = 3000;
      } else if (result.error_code >= 500) {
        await sleep(backoffMs, deps.signal);
        backoffMs = Math.min(3_600_000, backoffMs * 2);
      } else {
        return result;
      }
      result = await prev(method, payload, signal);
    }
    return result;
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

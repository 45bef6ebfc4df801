import type { EventBus } from './events.js';

export interface WaitForOptions {
  /** Default 5000 ms. */
  timeoutMs?: number;
  /** Re-check at least this often, for conditions that change with time alone (draft expiry). Default 50 ms. */
  intervalMs?: number;
  /** Names the condition in the timeout error. */
  message?: string;
}

/**
 * Resolves with the first truthy value of `check`, evaluated now, after every emulator event
 * (coalesced per tick) and on an interval; rejects after the timeout. Never spins.
 */
export function waitFor<T>(
  bus: EventBus,
  check: () => T | undefined | null | false,
  options: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const intervalMs = options.intervalMs ?? 50;
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let scheduled = false;
    let unsubscribe = () => {};
    let interval: ReturnType<typeof setInterval> | undefined;
    let timeout: ReturnType<typeof setTimeout> | undefined;
    const finish = (action: () => void) => {
      done = true;
      unsubscribe();
      if (interval !== undefined) clearInterval(interval);
      if (timeout !== undefined) clearTimeout(timeout);
      action();
    };
    const evaluate = () => {
      scheduled = false;
      if (done) return;
      try {
        const value = check();
        if (value !== undefined && value !== null && value !== false) finish(() => resolve(value));
      } catch (error) {
        finish(() => reject(error));
      }
    };
    evaluate();
    if (done) return;
    unsubscribe = bus.subscribe(() => {
      if (scheduled || done) return;
      scheduled = true;
      queueMicrotask(evaluate);
    });
    interval = setInterval(evaluate, intervalMs);
    timeout = setTimeout(() => {
      finish(() =>
        reject(
          new Error(
            `waitFor timed out after ${timeoutMs} ms${options.message ? `: ${options.message}` : ''}`,
          ),
        ),
      );
    }, timeoutMs);
  });
}

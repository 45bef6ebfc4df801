import {
  ProviderAbortedError,
  type ProviderError,
  type ProviderErrorOptions,
  ProviderInactivityTimeoutError,
} from './errors.js';

/**
 * One stream's abort and inactivity bookkeeping. The SDKs get `signal`, which fires when the caller
 * aborts or when nothing arrived for `inactivityTimeoutMs` while the adapter waited for a chunk (the
 * SDK's own timeout only covers the wait for response headers). One timer per stream, re-armed lazily:
 * per chunk the adapter only flips `waiting` and stamps the time.
 */
export interface StreamGuard {
  /** Pass to the SDK request. */
  readonly signal: AbortSignal;
  /**
   * True once the caller aborted or the inactivity timeout fired; check it once per chunk. A method,
   * not a getter: a getter on a per-stream object made that per-chunk check a slow property load.
   */
  isStopped(): boolean;
  /** Starts the inactivity timer (after the response headers arrived). */
  startInactivityTimer(): void;
  /** A chunk arrived: time spent handing events to the consumer is not inactivity. */
  chunkArrived(): void;
  /** The adapter is waiting for the next chunk again. */
  waitingAgain(): void;
  /** Why the stream was stopped, as the error to throw; undefined while it was not. */
  interruption(): ProviderError | undefined;
  /** Clears the timer and the listener, and aborts the request if it is still running. */
  dispose(): void;
}

export function createStreamGuard(deps: {
  signal: AbortSignal;
  inactivityTimeoutMs: number;
  context: ProviderErrorOptions;
}): StreamGuard {
  const { signal, inactivityTimeoutMs, context } = deps;
  const controller = new AbortController();
  let reason: 'aborted' | 'inactive' | undefined;
  let timer: NodeJS.Timeout | undefined;
  let waiting = true;
  let waitingSince = 0;

  const onAbort = () => {
    reason ??= 'aborted';
    controller.abort();
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });

  const check = () => {
    timer = undefined;
    if (reason) return;
    if (!waiting) {
      timer = setTimeout(check, inactivityTimeoutMs);
      return;
    }
    const idle = Date.now() - waitingSince;
    if (idle >= inactivityTimeoutMs) {
      reason = 'inactive';
      controller.abort();
      return;
    }
    timer = setTimeout(check, inactivityTimeoutMs - idle);
  };

  return {
    signal: controller.signal,
    isStopped: () => reason !== undefined,
    startInactivityTimer() {
      waiting = true;
      waitingSince = Date.now();
      timer ??= setTimeout(check, inactivityTimeoutMs);
    },
    chunkArrived() {
      waiting = false;
    },
    waitingAgain() {
      waiting = true;
      waitingSince = Date.now();
    },
    interruption() {
      if (reason === 'aborted') return new ProviderAbortedError(context);
      if (reason === 'inactive')
        return new ProviderInactivityTimeoutError({ ...context, timeoutMs: inactivityTimeoutMs });
      return undefined;
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      signal.removeEventListener('abort', onAbort);
      if (!controller.signal.aborted) controller.abort();
    },
  };
}

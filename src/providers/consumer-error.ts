import type { StreamEvent } from './types.js';

/**
 * What the consumer's event handler threw, on its way out through an adapter's SDK loop: the
 * adapter rethrows the original instead of classifying it as the provider's failure.
 */
export class ConsumerError extends Error {
  constructor(readonly original: unknown) {
    super('the stream consumer failed', { cause: original });
    this.name = 'ConsumerError';
  }
}

/** `onEvent` with whatever it throws marked as the consumer's. */
export function markConsumerErrors(onEvent: (event: StreamEvent) => void): (event: StreamEvent) => void {
  return (event) => {
    try {
      onEvent(event);
    } catch (error) {
      throw new ConsumerError(error);
    }
  };
}

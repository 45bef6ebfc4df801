import type { StreamEvent } from './types.js';

/**
 * What the consumer's event handler threw, on its way out through an adapter's SDK loop: the
 * adapter passes it on instead of classifying it as the provider's failure.
 */
export class ConsumerError extends Error {
  constructor(readonly original: unknown) {
    super('the stream consumer failed', { cause: original });
    this.name = 'ConsumerError';
  }
}

/**
 * Runs an adapter's stream with `onEvent` marked, so whatever the handler throws (on any event,
 * the finish included) comes out of the stream as it was thrown.
 */
export async function withConsumerErrors(
  onEvent: (event: StreamEvent) => void,
  run: (emit: (event: StreamEvent) => void) => Promise<void>,
): Promise<void> {
  const emit = (event: StreamEvent): void => {
    try {
      onEvent(event);
    } catch (error) {
      throw new ConsumerError(error);
    }
  };
  try {
    await run(emit);
  } catch (error) {
    throw error instanceof ConsumerError ? error.original : error;
  }
}

import type { StreamEvent } from './types.js';

/**
 * Runs an adapter's stream with `onEvent` watched, so whatever the handler throws (on any event,
 * the finish included) comes out of the stream as it was thrown, whatever the adapter's own catch
 * made of it on the way (it classifies every failure as the provider's).
 */
export async function withConsumerErrors(
  onEvent: (event: StreamEvent) => void,
  run: (emit: (event: StreamEvent) => void) => Promise<void>,
): Promise<void> {
  let failed: { error: unknown } | undefined;
  const emit = (event: StreamEvent): void => {
    try {
      onEvent(event);
    } catch (error) {
      failed = { error };
      throw error;
    }
  };
  try {
    await run(emit);
  } catch (error) {
    throw failed ? failed.error : error;
  }
}

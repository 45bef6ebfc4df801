import { afterEach } from 'vitest';
import { type StreamgramWorld, startStreamgram } from './start-streamgram.js';

/**
 * For a test file: returns `start`, which starts a world (see `startStreamgram`) that is stopped
 * after the test, whatever happened in it.
 */
export function useStreamgram(): typeof startStreamgram {
  let current: StreamgramWorld | undefined;
  afterEach(async () => {
    const world = current;
    current = undefined;
    await world?.stop();
  });
  return async (options) => {
    current = await startStreamgram(options);
    return current;
  };
}

/**
 * Acts on database reads in the order they were started, per key. The duplicate check and the
 * token budget are read on the way to a chat's queue; on a pool of connections the answers may come
 * back out of order, and two messages of one chat must still reach the queue in the order they were
 * sent. The reads themselves run at once, side by side: a slow database delays, never serializes.
 */
export function createInOrder<Key>() {
  const tails = new Map<Key, Promise<unknown>>();
  return function inOrder<T, R>(
    key: Key,
    started: Promise<T>,
    then: (value: T) => R | Promise<R>,
  ): Promise<R> {
    // Handled here so a read that fails while an earlier one is pending is not an unhandled rejection;
    // the failure still reaches the caller through the returned promise.
    started.catch(() => undefined);
    const previous = tails.get(key);
    const result = (previous ? previous.then(() => started) : started).then(then);
    // The next call waits for this one to settle, whether it succeeded or not.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  };
}

/**
 * Runs calls that share a key one after another, in the order they were made. A database read on
 * the way to the chat's queue (the duplicate check, the token budget) may answer out of order on a
 * pool of connections; this keeps two messages of one chat in the order they were sent.
 */
export function createInOrder<Key>() {
  const tails = new Map<Key, Promise<unknown>>();
  return function inOrder<T>(key: Key, fn: () => Promise<T>): Promise<T> {
    const previous = tails.get(key);
    const result = previous ? previous.then(fn) : fn();
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

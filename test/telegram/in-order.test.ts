import { describe, expect, it } from 'vitest';
import { createInOrder } from '../../src/telegram/in-order.js';

/** A read whose answer the test releases by hand. */
function pendingRead<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe('createInOrder', () => {
  it('acts on reads in the order they started, though they answer in reverse', async () => {
    const inOrder = createInOrder<number>();
    const acted: string[] = [];
    const reads = ['a', 'b', 'c'].map(() => pendingRead<string>());
    const done = reads.map((read) => inOrder(1, read.promise, (value) => acted.push(value)));
    reads[2]!.resolve('c');
    reads[1]!.resolve('b');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(acted).toEqual([]); // the first is still waiting for its answer
    reads[0]!.resolve('a');
    await Promise.all(done);
    expect(acted).toEqual(['a', 'b', 'c']);
  });

  it('passes a failed read to its caller and lets the next one go on', async () => {
    const inOrder = createInOrder<number>();
    const failing = pendingRead<string>();
    const first = inOrder(1, failing.promise, (value) => value);
    const second = inOrder(1, Promise.resolve('next'), (value) => value);
    failing.reject(new Error('database down'));
    await expect(first).rejects.toThrow('database down');
    await expect(second).resolves.toBe('next');
  });

  it('keeps different keys independent', async () => {
    const inOrder = createInOrder<number>();
    const slow = pendingRead<string>();
    const blocked = inOrder(1, slow.promise, (value) => value);
    await expect(inOrder(2, Promise.resolve('other chat'), (value) => value)).resolves.toBe('other chat');
    slow.resolve('first chat');
    await expect(blocked).resolves.toBe('first chat');
  });
});

import { describe, expect, it } from 'vitest';
import { createChatQueue } from '../../src/conversation/chat-queue.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createChatQueue', () => {
  it('runs one job at a time per chat, in order, and chats in parallel', async () => {
    const log: string[] = [];
    const queue = createChatQueue(() => {});
    const gates = new Map<string, () => void>();
    const job = (name: string) => () =>
      new Promise<void>((resolve) => {
        log.push(`start ${name}`);
        gates.set(name, () => {
          log.push(`end ${name}`);
          resolve();
        });
      });
    void queue.enqueue(1, job('a1'));
    void queue.enqueue(1, job('a2'));
    void queue.enqueue(2, job('b1'));
    await tick();
    expect(log).toEqual(['start a1', 'start b1']);
    expect(queue.pending(1)).toBe(2);
    gates.get('a1')?.();
    await tick();
    expect(log).toEqual(['start a1', 'start b1', 'end a1', 'start a2']);
    gates.get('a2')?.();
    gates.get('b1')?.();
    await queue.drain();
    expect(queue.pending(1)).toBe(0);
    expect(queue.pending(2)).toBe(0);
  });

  it('reports a failing job and carries on with the next', async () => {
    const errors: unknown[] = [];
    const queue = createChatQueue((error) => errors.push(error));
    let ran = false;
    void queue.enqueue(1, async () => {
      throw new Error('boom');
    });
    await queue.enqueue(1, async () => {
      ran = true;
    });
    expect(ran).toBe(true);
    expect(errors).toHaveLength(1);
  });
});

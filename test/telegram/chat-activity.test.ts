import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createChatActivity } from '../../src/telegram/chat-activity.js';

/** Timers the test advances by hand. */
function manualTimers() {
  let now = 0;
  const pending = new Map<number, { at: number; run: () => void }>();
  let seq = 0;
  return {
    setTimeout: (run: () => void, ms: number) => {
      seq += 1;
      pending.set(seq, { at: now + ms, run });
      return seq;
    },
    clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const next = [...pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
        if (next === undefined || next[1].at > until) break;
        pending.delete(next[0]);
        now = next[1].at;
        next[1].run();
      }
      now = until;
    },
    get pending() {
      return pending.size;
    },
  };
}

const logger = createLogger({ level: 'silent', secrets: [] });

describe('chat activity', () => {
  it('sends nothing for quick work, then one action per interval until ended', () => {
    const timers = manualTimers();
    const sent: [number, number | undefined][] = [];
    const activity = createChatActivity({
      send: async (chatId, threadId) => void sent.push([chatId, threadId]),
      logger,
      timers,
      delayMs: 300,
      intervalMs: 4500,
    });
    const quick = activity.show({ id: 1 });
    timers.advance(299);
    quick();
    timers.advance(10_000);
    expect(sent).toEqual([]);

    const slow = activity.show({ id: -5, threadId: 7 });
    timers.advance(300);
    expect(sent).toEqual([[-5, 7]]);
    timers.advance(4499);
    expect(sent).toHaveLength(1);
    timers.advance(1);
    expect(sent).toHaveLength(2);
    timers.advance(9000);
    expect(sent).toHaveLength(4);
    slow();
    slow();
    timers.advance(60_000);
    expect(sent).toHaveLength(4);
    expect(timers.pending).toBe(0);
  });

  it('a failing call is logged and the indicator keeps its pace', async () => {
    const timers = manualTimers();
    let calls = 0;
    const activity = createChatActivity({
      send: async () => {
        calls += 1;
        throw new Error('Too Many Requests');
      },
      logger,
      timers,
      delayMs: 0,
      intervalMs: 1000,
    });
    const end = activity.show({ id: 1 });
    timers.advance(2000);
    await Promise.resolve();
    expect(calls).toBe(3);
    end();
  });
});

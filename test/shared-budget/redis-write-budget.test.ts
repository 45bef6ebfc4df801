import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisWriteBudget } from '../../src/shared-budget/redis-write-budget.js';
import type { WriteLimits } from '../../src/shared-budget/write-limits.js';
import { redisAvailable, startTestRedis, type TestRedis } from '../support/redis-server.js';

const limits: WriteLimits = {
  bot: [{ limit: 30, windowMs: 1000 }],
  group: [
    { limit: 1, windowMs: 1000 },
    { limit: 20, windowMs: 60_000 },
  ],
  private: [{ limit: 3, windowMs: 3000 }],
};

describe.skipIf(!redisAvailable() && !process.env.STREAMGRAM_REQUIRE_REDIS)(
  'the shared write budget in Redis',
  () => {
    let server: TestRedis;
    const clients: Redis[] = [];
    const client = () => {
      const redis = new Redis(server.url);
      clients.push(redis);
      return redis;
    };

    beforeAll(async () => {
      server = await startTestRedis();
    });
    afterAll(async () => {
      for (const redis of clients) redis.disconnect();
      await server?.close();
    });

    it('lets two instances together write at most the bot-wide limit in any sliding second', async () => {
      const prefix = `t1:{bot}:`;
      const budgets = ['a', 'b'].map((instanceId) =>
        createRedisWriteBudget({ redis: client(), prefix, limits, instanceId }),
      );
      const granted: number[] = [];
      const timeOf = async () => {
        const [seconds, micros] = (await clients[0]!.time()).map(Number);
        return seconds! * 1000 + Math.floor(micros! / 1000);
      };
      // Each instance asks for 40 writes as fast as Redis answers; bounded: 80 writes in all.
      await Promise.all(
        budgets.map(async (budget) => {
          for (let written = 0; written < 40; ) {
            const wait = await budget.claim(undefined);
            if (wait.botWaitMs === 0) {
              granted.push(await timeOf());
              // Answered at once, as a call to a near Bot API server is.
              wait.settle?.();
              written++;
            } else {
              await new Promise((resolve) => setTimeout(resolve, wait.botWaitMs));
            }
          }
        }),
      );
      // Read from Redis's clock just after each grant: a few ms late, never early.
      const times = granted.sort((a, b) => a - b);
      expect(times.length).toBe(80);
      for (let index = 0; index + 30 < times.length; index++) {
        expect(times[index + 30]! - times[index]!).toBeGreaterThanOrEqual(1000 - 50);
      }
    });

    it("answers a chat's own wait apart from the bot's, so another chat's call can go meanwhile", async () => {
      const budget = createRedisWriteBudget({
        redis: client(),
        prefix: 't2:{bot}:',
        limits,
        instanceId: 'a',
      });
      const group = { chatId: -100, kind: 'group' as const };
      expect(await budget.claim(group)).toMatchObject({ botWaitMs: 0, chatWaitMs: 0 });
      const second = await budget.claim(group);
      expect(second.botWaitMs).toBe(0);
      expect(second.chatWaitMs).toBeGreaterThan(900);
      expect(await budget.claim({ chatId: -200, kind: 'group' })).toMatchObject({
        botWaitMs: 0,
        chatWaitMs: 0,
      });
      const privateChat = { chatId: 7, kind: 'private' as const };
      for (let index = 0; index < 3; index++) expect((await budget.claim(privateChat)).chatWaitMs).toBe(0);
      expect((await budget.claim(privateChat)).chatWaitMs).toBeGreaterThan(0);
    });

    it('holds the bot or one chat for a 429, across instances, and never shortens a hold', async () => {
      const prefix = 't3:{bot}:';
      const first = createRedisWriteBudget({ redis: client(), prefix, limits, instanceId: 'a' });
      const second = createRedisWriteBudget({ redis: client(), prefix, limits, instanceId: 'b' });
      await first.hold(-5, 5000);
      await first.hold(-5, 100);
      const held = await second.claim({ chatId: -5, kind: 'group' });
      expect(held.botWaitMs).toBe(0);
      expect(held.chatWaitMs).toBeGreaterThan(4000);
      await first.hold(undefined, 3000);
      expect((await second.claim(undefined)).botWaitMs).toBeGreaterThan(2000);
    });
    it('counts a settled write from its answer, for every instance', async () => {
      const prefix = 't4:{bot}:';
      const one = { bot: [{ limit: 1, windowMs: 500 }], group: [], private: [] };
      const first = createRedisWriteBudget({ redis: client(), prefix, limits: one, instanceId: 'a' });
      const second = createRedisWriteBudget({ redis: client(), prefix, limits: one, instanceId: 'b' });
      const claimed = await first.claim(undefined);
      expect(claimed.botWaitMs).toBe(0);
      // Answered 300 ms after the claim: the write holds its place until 500 ms after that.
      await new Promise((resolve) => setTimeout(resolve, 300));
      claimed.settle?.();
      await new Promise((resolve) => setTimeout(resolve, 300));
      // 600 ms after the claim, the window counted from the claim would be empty; from the answer it is not.
      expect((await second.claim(undefined)).botWaitMs).toBeGreaterThan(100);
    });

    it('keeps an unanswered write in its windows past the window, until it is answered (or its lease ends)', async () => {
      const prefix = 't5:{bot}:';
      const one = { bot: [{ limit: 1, windowMs: 200 }], group: [], private: [] };
      const first = createRedisWriteBudget({ redis: client(), prefix, limits: one, instanceId: 'a' });
      const second = createRedisWriteBudget({ redis: client(), prefix, limits: one, instanceId: 'b' });
      const claimed = await first.claim(undefined);
      expect(claimed.botWaitMs).toBe(0);
      // Not answered 400 ms later (a starved loop): Telegram may not have seen it yet, so no room.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect((await second.claim(undefined)).botWaitMs).toBe(200);
      claimed.settle?.();
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Answered now: it counts for a window from here, then the place is free.
      const wait = (await second.claim(undefined)).botWaitMs;
      expect(wait).toBeGreaterThan(100);
      expect(wait).toBeLessThanOrEqual(200);
      await new Promise((resolve) => setTimeout(resolve, wait + 10));
      expect((await second.claim(undefined)).botWaitMs).toBe(0);

      // A dead instance never answers: its write's place ends with the lease.
      const leased = createRedisWriteBudget({
        redis: client(),
        prefix: 't6:{bot}:',
        limits: one,
        instanceId: 'c',
        inFlightLeaseMs: 300,
      });
      const other = createRedisWriteBudget({
        redis: client(),
        prefix: 't6:{bot}:',
        limits: one,
        instanceId: 'd',
      });
      expect((await leased.claim(undefined)).botWaitMs).toBe(0);
      expect((await other.claim(undefined)).botWaitMs).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 550));
      expect((await other.claim(undefined)).botWaitMs).toBe(0);
    });
  },
);

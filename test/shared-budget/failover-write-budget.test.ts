import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/shared-budget/connect-redis.js';
import { createFailoverWriteBudget } from '../../src/shared-budget/failover-write-budget.js';
import { createInstancePresence } from '../../src/shared-budget/instance-presence.js';
import { createLocalWriteBudget } from '../../src/shared-budget/local-write-budget.js';
import { createRedisWriteBudget } from '../../src/shared-budget/redis-write-budget.js';
import type { WriteLimits } from '../../src/shared-budget/write-limits.js';
import { redisAvailable, startTestRedis, type TestRedis } from '../support/redis-server.js';

const limits: WriteLimits = { bot: [{ limit: 30, windowMs: 1000 }], group: [], private: [] };

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!redisAvailable() && !process.env.STREAMGRAM_REQUIRE_REDIS)(
  'the failover write budget',
  () => {
    let server: TestRedis;
    beforeAll(async () => {
      server = await startTestRedis();
    });
    afterAll(async () => {
      await server?.close();
    });

    it('keeps to a local share while Redis is down, logs once each way, and goes back to the shared budget', async () => {
      const logs: string[] = [];
      const logger = {
        warn: (_: object, line: string) => logs.push(line),
        info: (_: object, line: string) => logs.push(line),
      };
      const instances = await Promise.all(
        ['a', 'b', 'c'].map(async (instanceId) => {
          const redis = await connectRedis(server.url);
          const prefix = 'f1:{bot}:';
          const budget = createFailoverWriteBudget({
            shared: createRedisWriteBudget({ redis, prefix, limits, instanceId }),
            local: (share, options) => createLocalWriteBudget(share, Date.now, options),
            limits,
            presence: createInstancePresence({ redis, prefix, instanceId, forgetAfterMs: 5000 }),
            heartbeatMs: 100,
            logger,
          });
          return { redis, budget };
        }),
      );
      const [first] = instances;
      try {
        // Three instances have said they are alive; the first one's share is then 30 / 3.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect((await first!.budget.claim(undefined)).botWaitMs).toBe(0);
        expect(first!.budget.mode).toBe('shared');

        await server.stop();
        // The first claim after the loss fails over at once; many failing calls log one line. The
        // local share starts full (Redis's last window is unknown here): a whole window to wait.
        const lost = await first!.budget.claim(undefined);
        expect(first!.budget.mode).toBe('local');
        expect(lost.botWaitMs).toBeGreaterThan(900);
        await new Promise((resolve) => setTimeout(resolve, lost.botWaitMs + 10));
        let granted = 0;
        for (let index = 0; index < 20; index++) {
          if ((await first!.budget.claim(undefined)).botWaitMs === 0) granted++;
        }
        expect(granted).toBe(10);
        // The others notice at their next heartbeat.
        await until(
          () => instances.every(({ budget }) => budget.mode === 'local'),
          'every instance to fail over',
        );
        expect(logs.filter((line) => line.startsWith('Redis unreachable'))).toHaveLength(3);
        expect(logs[0]).toContain('1/3');

        await server.start();
        await until(
          () => instances.every(({ budget }) => budget.mode === 'shared'),
          'the shared budget to return',
        );
        expect(logs.filter((line) => line.startsWith('Redis is back'))).toHaveLength(3);
      } finally {
        for (const { redis, budget } of instances) {
          await budget.close();
          redis.disconnect();
        }
      }
    });
  },
);

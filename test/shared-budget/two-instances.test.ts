import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../../src/config.js';
import { type BotApiEmulator, startBotApiEmulator } from '../../src/emulator/index.js';
import { type SharedBudget, startSharedBudget } from '../../src/shared-budget/start-shared-budget.js';
import { createWritePacer } from '../../src/streaming/delivery/write-pacer.js';
import {
  createPacedTelegramFetch,
  sharedWriteLimits,
  writePacerOptionsFor,
} from '../../src/telegram/paced-telegram-fetch.js';
import { redisAvailable, startTestRedis, type TestRedis } from '../support/redis-server.js';

const TOKEN = '1234567890:AAH-streamgram-budget-test-0123456789';
/** The app's own budgets (defaults): 30 calls a second for the bot, as Telegram publishes. */
const budgets = createConfig({
  TELEGRAM_BOT_TOKEN: TOKEN,
  MODELS: 'openai:gpt-test',
  OPENAI_API_KEY: 'sk-test-openai-key-0123456789abcdef',
  ALLOWED_USERS: '*',
}).telegramBudgets;
const pacerOptions = writePacerOptionsFor(budgets);

function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Instance {
  shared: SharedBudget;
  call(method: string, body: object): Promise<{ ok: boolean; result?: { message_id: number } }>;
}

describe.skipIf(!redisAvailable() && !process.env.STREAMGRAM_REQUIRE_REDIS)(
  'two instances sharing one Telegram budget through Redis',
  () => {
    let redis: TestRedis;
    let telegram: BotApiEmulator;
    let instances: Instance[] = [];
    let logs: string[] = [];

    beforeAll(async () => {
      redis = await startTestRedis();
    });
    afterAll(async () => {
      await redis?.close();
    });
    afterEach(async () => {
      for (const instance of instances) await instance.shared.close();
      instances = [];
      await telegram?.close();
    });

    /** Two "instances": each its own pacer and failover budget, on the same Redis, as two processes would. */
    async function startWorld(): Promise<void> {
      // The strict model: sliding windows counted when each request arrives.
      telegram = await startBotApiEmulator({ token: TOKEN, limits: 'sliding' });
      // A fresh key space per test: the bot id part of the token names the keys.
      const client = new Redis(redis.port, '127.0.0.1');
      await client.flushall();
      client.disconnect();
      logs = [];
      for (const id of ['a', 'b']) {
        const logger = {
          warn: (_: object, line: string) => logs.push(`${id} ${line}`),
          info: (_: object, line: string) => logs.push(`${id} ${line}`),
        };
        const shared = await startSharedBudget({
          url: redis.url,
          instanceId: id,
          botId: TOKEN.split(':')[0]!,
          limits: sharedWriteLimits(pacerOptions),
          logger,
        });
        const paced = createPacedTelegramFetch(createWritePacer(pacerOptions), {
          shared: { budget: shared.budget, onRateLimited: shared.onRateLimited },
        });
        instances.push({
          shared,
          call: async (method, body) => {
            const response = await paced(`${telegram.apiRoot}/bot${TOKEN}/${method}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(body),
            });
            return (await response.json()) as { ok: boolean; result?: { message_id: number } };
          },
        });
      }
      // Both have said they are alive.
      await until(() => instances.every((instance) => instance.shared.budget.instances === 2), 'presence');
    }

    /**
     * 40 chats (40 % groups), 20 per instance, each a message and 9 edits one after another (as the
     * gate lets one call per chat at a time): 400 calls, many more than 30 a second could carry.
     */
    async function hammer(): Promise<void> {
      const chats = Array.from({ length: 40 }, (_, index) =>
        index % 5 < 2
          ? telegram.createGroup({ title: `Group ${index}` }).id
          : telegram.createUser({ firstName: `User ${index}` }).id,
      );
      await Promise.all(
        chats.map(async (chatId, index) => {
          const instance = instances[index % 2]!;
          const sent = await instance.call('sendMessage', { chat_id: chatId, text: 'v0' });
          expect(sent.ok).toBe(true);
          for (let version = 1; version < 10; version++) {
            const edited = await instance.call('editMessageText', {
              chat_id: chatId,
              message_id: sent.result!.message_id,
              text: `v${version}`,
            });
            expect(edited.ok).toBe(true);
          }
        }),
      );
    }

    function expectWithinLimits(): void {
      expect(telegram.rateLimitStats()).toEqual({ global: 0, privateChat: 0, groupChat: 0 });
      const calls = telegram.calls().filter((call) => call.method !== 'getMe');
      expect(calls).toHaveLength(400);
      expect(
        maxInWindow(
          calls.map((call) => call.at),
          1000,
        ),
      ).toBeLessThanOrEqual(30);
    }

    it('400 calls to 40 chats from both, the event loop half busy: no 429, never more than 30 arriving in any second', async () => {
      await startWorld();
      // 5 ms of work in every 10 ms (bounded: cleared below): requests reach the emulator up to
      // ~100 ms after they were written, and may not bunch into one of its seconds for that.
      const busy = setInterval(() => {
        const end = Date.now() + 5;
        while (Date.now() < end);
      }, 10);
      try {
        await hammer();
      } finally {
        clearInterval(busy);
      }
      expectWithinLimits();
      expect(logs).toEqual([]);
    }, 60_000);

    it('Redis stopped for 3 s in the middle: no 429, no second over 30, one log line each way, shared again after', async () => {
      await startWorld();
      const load = hammer();
      await until(() => telegram.calls().length >= 120, 'the load to be under way');
      await redis.stop();
      await until(() => instances.every((instance) => instance.shared.budget.mode === 'local'), 'failover');
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await redis.start();
      await until(() => instances.every((instance) => instance.shared.budget.mode === 'shared'), 'rejoin');
      await load;
      expectWithinLimits();
      for (const id of ['a', 'b']) {
        expect(logs.filter((line) => line.startsWith(`${id} Redis unreachable`))).toHaveLength(1);
        expect(logs.filter((line) => line.startsWith(`${id} Redis is back`))).toHaveLength(1);
      }
      expect(logs).toHaveLength(4);
      expect(logs[0]).toContain('1/2');
    }, 90_000);

    it('a 429 one instance gets holds the chat for the other too', async () => {
      await startWorld();
      const [a, b] = instances as [Instance, Instance];
      const held = telegram.createUser({ firstName: 'Held' }).id;
      const other = telegram.createUser({ firstName: 'Other' }).id;
      telegram.failNext({ chatId: held, status: 429, retryAfter: 2 });
      const refused = await a.call('sendMessage', { chat_id: held, text: 'one' });
      expect(refused.ok).toBe(false);
      const refusedAt = Date.now();
      // The hold reaches Redis a moment after the answer.
      const probe = new Redis(redis.port, '127.0.0.1');
      try {
        for (let attempt = 0; (await probe.pttl(`streamgram:{1234567890}:hold:${held}`)) <= 0; attempt++) {
          if (attempt > 100) throw new Error('the hold never reached Redis');
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      } finally {
        probe.disconnect();
      }
      const mark = telegram.lastSeq();
      const [waited] = await Promise.all([
        b.call('sendMessage', { chat_id: held, text: 'two' }),
        b.call('sendMessage', { chat_id: other, text: 'meanwhile' }),
      ]);
      expect(waited.ok).toBe(true);
      const after = telegram.calls().filter((call) => call.seq > mark);
      // The other chat was not held up; the held one waited out the 2 s Telegram asked for.
      expect(after.map((call) => call.params.chat_id)).toEqual([other, held]);
      expect(after[1]!.at - refusedAt).toBeGreaterThanOrEqual(1900);
      expect(telegram.rateLimitStats()).toEqual({ global: 0, privateChat: 0, groupChat: 0 });
    }, 30_000);
    it('a chat the other instance just wrote waits for its window in Redis without holding up other chats', async () => {
      await startWorld();
      const [a, b] = instances as [Instance, Instance];
      const group = telegram.createGroup({ title: 'Shared group' }).id;
      const user = telegram.createUser({ firstName: 'Elsewhere' }).id;
      expect((await a.call('sendMessage', { chat_id: group, text: 'from a' })).ok).toBe(true);
      const mark = telegram.lastSeq();
      // b has never written to the group: only Redis knows it must wait a second.
      const results = await Promise.all([
        b.call('sendMessage', { chat_id: group, text: 'from b' }),
        b.call('sendMessage', { chat_id: user, text: 'not held up' }),
      ]);
      expect(results.every((result) => result.ok)).toBe(true);
      const after = telegram.calls().filter((call) => call.seq > mark);
      expect(after.map((call) => call.params.chat_id)).toEqual([user, group]);
      const groupCalls = telegram.calls({ chatId: group }).map((call) => call.at);
      expect(groupCalls[1]! - groupCalls[0]!).toBeGreaterThanOrEqual(1000);
      expect(telegram.rateLimitStats()).toEqual({ global: 0, privateChat: 0, groupChat: 0 });
    }, 30_000);

    it('429s in three chats within a second hold the whole bot for every instance', async () => {
      await startWorld();
      const [a, b] = instances as [Instance, Instance];
      const chats = [1, 2, 3].map((index) => telegram.createUser({ firstName: `Limited ${index}` }).id);
      for (const chatId of chats) telegram.failNext({ chatId, status: 429, retryAfter: 2 });
      const refused = await Promise.all(
        chats.map((chatId) => a.call('sendMessage', { chat_id: chatId, text: 'x' })),
      );
      expect(refused.every((answer) => !answer.ok)).toBe(true);
      const refusedAt = Date.now();
      const probe = new Redis(redis.port, '127.0.0.1');
      try {
        for (let attempt = 0; (await probe.pttl('streamgram:{1234567890}:hold:bot')) <= 0; attempt++) {
          if (attempt > 100) throw new Error('the bot-wide hold never reached Redis');
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      } finally {
        probe.disconnect();
      }
      const fresh = telegram.createUser({ firstName: 'Fresh' }).id;
      expect((await b.call('sendMessage', { chat_id: fresh, text: 'after the hold' })).ok).toBe(true);
      const [written] = telegram.calls({ chatId: fresh });
      expect(written!.at - refusedAt).toBeGreaterThanOrEqual(1900);
    }, 30_000);
    it('a Redis that stops answering without closing the connection does not stall writes', async () => {
      await startWorld();
      const [a] = instances as [Instance, Instance];
      const user = telegram.createUser({ firstName: 'Paused' }).id;
      redis.pause();
      try {
        // The claim times out, the instance goes local (its share starts full) and writes.
        expect((await a.call('sendMessage', { chat_id: user, text: 'still delivered' })).ok).toBe(true);
        expect(a.shared.budget.mode).toBe('local');
        expect(logs.filter((line) => line.startsWith('a Redis unreachable'))).toHaveLength(1);
      } finally {
        redis.resume();
      }
      await until(() => instances.every((instance) => instance.shared.budget.mode === 'shared'), 'rejoin');
      expect(telegram.rateLimitStats()).toEqual({ global: 0, privateChat: 0, groupChat: 0 });
    }, 30_000);
  },
);

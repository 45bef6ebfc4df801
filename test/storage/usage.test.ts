import { beforeEach, describe, expect, it } from 'vitest';
import type { Usage } from '../../src/providers/types.js';
import type { Storage } from '../../src/storage/storage.js';
import { storeKinds, useTestStorage } from './test-stores.js';

let storage: Storage;
let clock: { now: number };
const chatId = 10;
const alice = 1;
const bob = 2;

describe.each(storeKinds)('%s', (kind) => {
  const t = useTestStorage(kind);
  beforeEach(async () => {
    ({ storage, clock } = t);
    await storage.chats.upsert({ id: chatId, type: 'group', title: 'G' });
    await storage.users.upsert({ id: alice, username: 'alice', firstName: 'Alice' });
    await storage.users.upsert({ id: bob, username: 'bob', firstName: 'Bob' });
  });

  async function record(
    userId: number,
    provider: string,
    model: string,
    usage: Usage | undefined,
    at = clock.now,
  ) {
    return storage.usage.record({ userId, chatId, provider, model, usage, at });
  }

  function rawRow(id: number) {
    return t.sql.get('SELECT * FROM usage WHERE id = $1', [id]);
  }

  describe('usage repository', () => {
    it('stores what the provider reported, NULL for what it did not', async () => {
      const message = await storage.messages.startAssistantMessage({
        chatId,
        userId: alice,
        parentId: null,
        model: 'openai:gpt-5',
      });
      const id = await storage.usage.record({
        userId: alice,
        chatId,
        messageId: message,
        provider: 'openai',
        model: 'gpt-5',
        usage: { inputTokens: 100, outputTokens: 50, cachedInputTokens: 0 },
        at: 123,
      });
      expect(await rawRow(id)).toEqual({
        id,
        user_id: alice,
        chat_id: chatId,
        message_id: message,
        provider: 'openai',
        model: 'gpt-5',
        input_tokens: 100,
        cached_input_tokens: 0, // reported as 0: kept as 0
        cache_write_tokens: null,
        output_tokens: 50,
        reasoning_tokens: null,
        created_at: 123,
      });
    });

    it('records a request without a usage report as a row of NULLs, never zeros', async () => {
      const id = await record(alice, 'compat', 'llama', undefined);
      expect(await rawRow(id)).toMatchObject({
        input_tokens: null,
        cached_input_tokens: null,
        cache_write_tokens: null,
        output_tokens: null,
        reasoning_tokens: null,
      });
      const [totals] = await storage.usage.totalsByModel(alice);
      expect(totals).toEqual({
        provider: 'compat',
        model: 'llama',
        requests: 1,
        unreportedRequests: 1,
        inputTokens: null,
        cachedInputTokens: null,
        cacheWriteTokens: null,
        outputTokens: null,
        reasoningTokens: null,
      });
      expect(await storage.usage.totalsForPeriod(alice, 0)).toEqual({
        tokens: 0,
        requests: 1,
        unreportedRequests: 1,
      });
    });

    it('sums totals by model, leaving a detail null when no request reported it', async () => {
      await record(alice, 'openai', 'gpt-5', {
        inputTokens: 100,
        outputTokens: 10,
        reasoningTokens: 4,
        cachedInputTokens: 20,
      });
      await record(alice, 'openai', 'gpt-5', { inputTokens: 200, outputTokens: 20 });
      await record(alice, 'openai', 'gpt-5', undefined);
      await record(alice, 'anthropic', 'claude-sonnet-4-5', {
        inputTokens: 1000,
        outputTokens: 300,
        cacheWriteTokens: 900,
      });
      await record(bob, 'openai', 'gpt-5', { inputTokens: 5, outputTokens: 5 });

      expect(await storage.usage.totalsByModel(alice)).toEqual([
        {
          provider: 'anthropic',
          model: 'claude-sonnet-4-5',
          requests: 1,
          unreportedRequests: 0,
          inputTokens: 1000,
          cachedInputTokens: null,
          cacheWriteTokens: 900,
          outputTokens: 300,
          reasoningTokens: null,
        },
        {
          provider: 'openai',
          model: 'gpt-5',
          requests: 3,
          unreportedRequests: 1,
          inputTokens: 300,
          cachedInputTokens: 20,
          cacheWriteTokens: null,
          outputTokens: 30,
          reasoningTokens: 4,
        },
      ]);
    });

    it('limits totals to a period', async () => {
      const day = 86_400_000;
      const start = clock.now;
      await record(alice, 'openai', 'gpt-5', { inputTokens: 1000, outputTokens: 1000 }, start - 2 * day);
      await record(alice, 'openai', 'gpt-5', { inputTokens: 10, outputTokens: 5 }, start);
      await record(alice, 'openai', 'gpt-5', { inputTokens: 1, outputTokens: 1 }, start + 1);
      await record(bob, 'openai', 'gpt-5', { inputTokens: 7, outputTokens: 7 }, start);

      expect(await storage.usage.totalsForPeriod(alice, start)).toEqual({
        tokens: 17,
        requests: 2,
        unreportedRequests: 0,
      });
      expect((await storage.usage.totalsForPeriod(alice, start - 3 * day)).tokens).toBe(2017);
      expect(await storage.usage.totalsForPeriod(alice, start + day)).toEqual({
        tokens: 0,
        requests: 0,
        unreportedRequests: 0,
      });
      expect((await storage.usage.totalsByModel(alice, start))[0]).toMatchObject({
        requests: 2,
        inputTokens: 11,
        outputTokens: 6,
      });
      expect((await storage.usage.totalsByModel(alice))[0]).toMatchObject({ requests: 3, inputTokens: 1011 });
    });

    it('gives an admin everyone’s totals and the top users', async () => {
      const start = clock.now;
      await record(alice, 'openai', 'gpt-5', { inputTokens: 100, outputTokens: 100 }, start - 1000);
      await record(alice, 'openai', 'gpt-5', { inputTokens: 10, outputTokens: 10 }, start);
      await record(bob, 'anthropic', 'claude', { inputTokens: 50, outputTokens: 50 }, start);
      await record(bob, 'anthropic', 'claude', undefined, start);

      const all = await storage.usage.allUsersTotals();
      expect(all).toMatchObject({ activeUsers: 2, requests: 4, tokens: 320, unreportedRequests: 1 });
      expect(all.byModel.map((m) => [m.provider, m.model, m.requests])).toEqual([
        ['openai', 'gpt-5', 2],
        ['anthropic', 'claude', 2],
      ]);

      const recent = await storage.usage.allUsersTotals(start);
      expect(recent).toMatchObject({ activeUsers: 2, requests: 3, tokens: 120 });

      expect(await storage.usage.topUsers(start, 10)).toEqual([
        { userId: bob, username: 'bob', firstName: 'Bob', tokens: 100, requests: 2, unreportedRequests: 1 },
        {
          userId: alice,
          username: 'alice',
          firstName: 'Alice',
          tokens: 20,
          requests: 1,
          unreportedRequests: 0,
        },
      ]);
      expect((await storage.usage.topUsers(undefined, 1)).map((u) => u.userId)).toEqual([alice]);
      expect(await storage.usage.allUsersTotals(start + 10_000)).toEqual({
        activeUsers: 0,
        requests: 0,
        tokens: 0,
        unreportedRequests: 0,
        byModel: [],
      });
    });

    it('keeps usage when the message it belongs to is deleted', async () => {
      const message = await storage.messages.startAssistantMessage({
        chatId,
        userId: alice,
        parentId: null,
        model: 'openai:gpt-5',
      });
      const id = await storage.usage.record({
        userId: alice,
        chatId,
        messageId: message,
        provider: 'openai',
        model: 'gpt-5',
        usage: { inputTokens: 1, outputTokens: 1 },
      });
      await t.sql.run('DELETE FROM messages WHERE id = $1', [message]);
      expect(await rawRow(id)).toMatchObject({ message_id: null, input_tokens: 1 });
    });

    it('rejects usage for an unknown user or negative counts', async () => {
      await expect(record(999, 'openai', 'gpt-5', { inputTokens: 1, outputTokens: 1 })).rejects.toThrow(
        expect.objectContaining({ kind: 'constraint', operation: 'usage.record' }),
      );
      await expect(record(alice, 'openai', 'gpt-5', { inputTokens: -1, outputTokens: 1 })).rejects.toThrow(
        expect.objectContaining({ kind: 'constraint' }),
      );
    });
  });
});

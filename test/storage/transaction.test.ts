import { beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/storage/errors.js';
import type { Storage } from '../../src/storage/storage.js';
import { countRows, storeKinds, useTestStorage } from './test-stores.js';

let storage: Storage;
const chatId = 77;
const userId = 7;

describe.each(storeKinds)('%s', (kind) => {
  const t = useTestStorage(kind);
  beforeEach(async () => {
    ({ storage } = t);
    await storage.chats.upsert({ id: chatId, type: 'private' });
    await storage.users.upsert({ id: userId });
  });

  const count = (table: string) => countRows(t.sql, table);

  async function startExchange() {
    const question = await storage.messages.insertUserMessage({
      chatId,
      userId,
      parentId: null,
      content: 'q',
      telegramMessageIds: [1],
    });
    const answer = await storage.messages.startAssistantMessage({
      chatId,
      userId,
      parentId: question,
      model: 'openai:gpt-5',
    });
    return { question, answer };
  }

  describe('transactions', () => {
    it('finishes an answer, records usage and moves the head together', async () => {
      const { answer } = await startExchange();
      await storage.transaction(async (tx) => {
        await tx.messages.finishAssistantMessage(answer, {
          content: 'a',
          status: 'complete',
          telegramMessageIds: [2],
        });
        await tx.usage.record({
          userId,
          chatId,
          messageId: answer,
          provider: 'openai',
          model: 'gpt-5',
          usage: { inputTokens: 3, outputTokens: 4 },
        });
        await tx.chats.setHead(chatId, answer);
      });
      expect((await storage.messages.get(answer))?.status).toBe('complete');
      expect(await count('usage')).toBe(1);
      expect((await storage.chats.get(chatId))?.headMessageId).toBe(answer);
    });

    it('leaves nothing half-written when a step fails midway', async () => {
      const { answer } = await startExchange();
      let caught: unknown;
      try {
        await storage.transaction(async (tx) => {
          await tx.messages.finishAssistantMessage(answer, {
            content: 'a',
            status: 'complete',
            telegramMessageIds: [2],
          });
          await tx.chats.setHead(chatId, answer);
          // An unknown user: the foreign key fails after two writes succeeded.
          await tx.usage.record({
            userId: 404,
            chatId,
            provider: 'openai',
            model: 'gpt-5',
            usage: undefined,
          });
        });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(StorageError);
      expect(caught).toMatchObject({ kind: 'constraint', operation: 'usage.record' });
      expect(await storage.messages.get(answer)).toMatchObject({
        status: 'streaming',
        content: '',
        telegramMessageIds: [],
      });
      expect(await storage.messages.findByTelegramMessageId(chatId, 2)).toBeUndefined();
      expect((await storage.chats.get(chatId))?.headMessageId).toBeNull();
      expect(await count('usage')).toBe(0);
    });

    it('rolls back on any thrown error and rethrows it unchanged', async () => {
      const boom = new Error('boom');
      await expect(
        storage.transaction(async (tx) => {
          await tx.processedUpdates.markProcessed(1);
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await count('processed_updates')).toBe(0);
    });

    it('keeps statements from outside out of a transaction that is waiting', async () => {
      let release!: () => void;
      const paused = new Promise<void>((resolve) => {
        release = resolve;
      });
      const failing = storage.transaction(async (tx) => {
        await tx.processedUpdates.markProcessed(1);
        await paused;
        throw new Error('rolled back');
      });
      // Issued while the transaction waits: it must not be rolled back with it.
      const outside = storage.processedUpdates.markProcessed(2);
      release();
      await expect(failing).rejects.toThrow('rolled back');
      expect(await outside).toBe(true);
      expect(await t.sql.all('SELECT update_id FROM processed_updates')).toEqual([{ update_id: 2 }]);
    });

    it('runs transactions started together one after another, every one complete', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          storage.transaction(async (tx) => {
            await tx.processedUpdates.markProcessed(1000 + index);
            await tx.processedUpdates.markProcessed(2000 + index);
            return index;
          }),
        ),
      );
      expect(results).toEqual(Array.from({ length: 20 }, (_, index) => index));
      expect(await count('processed_updates')).toBe(40);
    });

    it('returns the function’s result', async () => {
      expect(await storage.transaction((tx) => tx.processedUpdates.markProcessed(5))).toBe(true);
    });
  });
});

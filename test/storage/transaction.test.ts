import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/storage/errors.js';
import type { Storage } from '../../src/storage/storage.js';
import { runInTransaction } from '../../src/storage/transaction.js';
import { createTempWorkspace, createTestStorage, type TempWorkspace } from './temp-database.js';

let ws: TempWorkspace;
let storage: Storage;
const chatId = 77;
const userId = 7;

beforeEach(() => {
  ws = createTempWorkspace();
  ({ storage } = createTestStorage(ws));
  storage.chats.upsert({ id: chatId, type: 'private' });
  storage.users.upsert({ id: userId });
});
afterEach(() => ws.cleanup());

function count(table: string): number {
  return (storage.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

function startExchange() {
  const question = storage.messages.insertUserMessage({
    chatId,
    userId,
    parentId: null,
    content: 'q',
    telegramMessageIds: [1],
  });
  const answer = storage.messages.startAssistantMessage({
    chatId,
    userId,
    parentId: question,
    model: 'openai:gpt-5',
  });
  return { question, answer };
}

describe('transactions', () => {
  it('finishes an answer, records usage and moves the head together', () => {
    const { answer } = startExchange();
    storage.transaction(() => {
      storage.messages.finishAssistantMessage(answer, {
        content: 'a',
        status: 'complete',
        telegramMessageIds: [2],
      });
      storage.usage.record({
        userId,
        chatId,
        messageId: answer,
        provider: 'openai',
        model: 'gpt-5',
        usage: { inputTokens: 3, outputTokens: 4 },
      });
      storage.chats.setHead(chatId, answer);
    });
    expect(storage.messages.get(answer)?.status).toBe('complete');
    expect(count('usage')).toBe(1);
    expect(storage.chats.get(chatId)?.headMessageId).toBe(answer);
  });

  it('leaves nothing half-written when a step fails midway', () => {
    const { answer } = startExchange();
    let caught: unknown;
    try {
      storage.transaction(() => {
        storage.messages.finishAssistantMessage(answer, {
          content: 'a',
          status: 'complete',
          telegramMessageIds: [2],
        });
        storage.chats.setHead(chatId, answer);
        // An unknown user: the foreign key fails after two writes succeeded.
        storage.usage.record({ userId: 404, chatId, provider: 'openai', model: 'gpt-5', usage: undefined });
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StorageError);
    expect(caught).toMatchObject({ kind: 'constraint', operation: 'usage.record' });
    expect(storage.messages.get(answer)).toMatchObject({
      status: 'streaming',
      content: '',
      telegramMessageIds: [],
    });
    expect(storage.messages.findByTelegramMessageId(chatId, 2)).toBeUndefined();
    expect(storage.chats.get(chatId)?.headMessageId).toBeNull();
    expect(count('usage')).toBe(0);
    expect(storage.db.inTransaction).toBe(false);
  });

  it('rolls back on any thrown error and rethrows it unchanged', () => {
    const boom = new Error('boom');
    expect(() =>
      runInTransaction(storage.db, () => {
        storage.processedUpdates.markProcessed(1);
        throw boom;
      }),
    ).toThrow(boom);
    expect(count('processed_updates')).toBe(0);
  });

  it('refuses an async function instead of committing half of it', () => {
    expect(() =>
      storage.transaction((async () => {
        storage.processedUpdates.markProcessed(1);
      }) as () => unknown),
    ).toThrow(/must be synchronous/);
    expect(count('processed_updates')).toBe(0);
  });

  it('returns the function’s result', () => {
    expect(storage.transaction(() => storage.processedUpdates.markProcessed(5))).toBe(true);
  });
});

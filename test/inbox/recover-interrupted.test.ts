import { describe, expect, it } from 'vitest';
import type { InboxRow } from '../../src/inbox/inbox-rows.js';
import { createRecoverInterrupted, INTERRUPTED_BY_RESTART } from '../../src/inbox/recover-interrupted.js';
import { createLogger } from '../../src/logger.js';
import type { Storage } from '../../src/storage/storage.js';
import { useTestStorage } from '../storage/test-stores.js';

const chatId = 4242;
const userId = 42;

/** The row a dead instance left 'started' for the question of `updateId`. */
const startedRow = (updateId: number): InboxRow => ({
  updateId,
  chatId,
  state: 'started',
  owner: 'dead-instance',
  payload: JSON.stringify({
    update_id: updateId,
    message: { message_id: 70 + updateId, chat: { id: chatId } },
  }),
});

describe('a new owner tidying up after a dead instance', () => {
  const t = useTestStorage('sqlite');

  function recoverWith(storage: Storage) {
    const replies: { text: string; messageId?: number }[] = [];
    const done: number[] = [];
    const recover = createRecoverInterrupted({
      rows: { markDone: async (ids) => void done.push(...ids) },
      messages: storage.messages,
      reply: async (_chat, text, to) => void replies.push({ text, ...to }),
      logger: createLogger({ level: 'silent', secrets: [] }),
    });
    return { recover, replies, done };
  }

  async function ask(storage: Storage, updateId: number) {
    await storage.chats.upsert({ id: chatId, type: 'private' });
    await storage.users.upsert({ id: userId, username: 'asker' });
    const question = await storage.messages.insertUserMessage({
      chatId,
      userId,
      parentId: null,
      content: 'a question',
      telegramMessageIds: [70 + updateId],
      updateId,
    });
    return storage.messages.startAssistantMessage({
      chatId,
      userId,
      parentId: question,
      model: 'openai:gpt-5',
    });
  }

  it('an answer cut mid-stream is marked interrupted and the user is told, replying to the question', async () => {
    const answer = await ask(t.storage, 7);
    const { recover, replies, done } = recoverWith(t.storage);
    await recover(chatId, [startedRow(7)]);
    expect((await t.storage.messages.get(answer))?.status).toBe('interrupted');
    expect(replies).toEqual([{ text: INTERRUPTED_BY_RESTART, messageId: 77 }]);
    expect(done).toEqual([7]);
  });

  it('an answer that had finished (death before its row was marked) only gets its row done, no notice', async () => {
    const answer = await ask(t.storage, 8);
    await t.storage.messages.finishAssistantMessage(answer, {
      content: 'complete',
      status: 'complete',
      telegramMessageIds: [90],
    });
    const { recover, replies, done } = recoverWith(t.storage);
    await recover(chatId, [startedRow(8)]);
    expect((await t.storage.messages.get(answer))?.status).toBe('complete');
    expect(replies).toEqual([]);
    expect(done).toEqual([8]);
  });

  it('a question that died before anything was stored still gets the notice (it was never answered)', async () => {
    const { recover, replies, done } = recoverWith(t.storage);
    await recover(chatId, [startedRow(9)]);
    expect(replies.map((reply) => reply.text)).toEqual([INTERRUPTED_BY_RESTART]);
    expect(done).toEqual([9]);
  });
});

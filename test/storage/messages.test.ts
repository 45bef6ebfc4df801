import { beforeEach, describe, expect, it } from 'vitest';
import { createMessageRepository } from '../../src/storage/messages.js';
import type { Storage } from '../../src/storage/storage.js';
import { storeKinds, useTestStorage } from './test-stores.js';

let storage: Storage;
let clock: { now: number };
const chatId = -100777;
const userId = 42;

describe.each(storeKinds)('%s', (kind) => {
  const t = useTestStorage(kind);
  beforeEach(async () => {
    ({ storage, clock } = t);
    await storage.chats.upsert({ id: chatId, type: 'supergroup', title: 'T' });
    await storage.users.upsert({ id: userId, username: 'asker' });
  });

  /** One exchange the way the bot stores it: question, answer, head moved to the answer. */
  async function exchange(
    question: string,
    answer: string,
    tg: { user: number; bot: number[] },
    parentId: number | null,
  ) {
    const questionId = await storage.messages.insertUserMessage({
      chatId,
      userId,
      parentId,
      content: question,
      telegramMessageIds: [tg.user],
    });
    const answerId = await storage.messages.startAssistantMessage({
      chatId,
      userId,
      parentId: questionId,
      model: 'openai:gpt-5',
    });
    await storage.transaction(async (tx) => {
      await tx.messages.finishAssistantMessage(answerId, {
        content: answer,
        status: 'complete',
        telegramMessageIds: tg.bot,
      });
      await tx.chats.setHead(chatId, answerId);
    });
    return { questionId, answerId };
  }

  const contents = async (headId: number, maxMessages?: number) =>
    (await storage.messages.getChain(headId, maxMessages === undefined ? {} : { maxMessages })).map(
      (m) => m.content,
    );

  describe('message repository', () => {
    it('stores a user message as complete with its Telegram id, thread and update', async () => {
      const id = await storage.messages.insertUserMessage({
        chatId,
        userId,
        parentId: null,
        content: 'What is WAL?',
        telegramMessageIds: [10],
        threadId: 3,
        updateId: 9001,
      });
      expect(await storage.messages.get(id)).toEqual({
        id,
        chatId,
        userId,
        parentId: null,
        role: 'user',
        content: 'What is WAL?',
        reasoning: null,
        toolTurns: null,
        model: null,
        status: 'complete',
        telegramMessageIds: [10],
        threadId: 3,
        updateId: 9001,
        createdAt: clock.now,
        finishedAt: clock.now,
        attachments: [],
      });
      expect(await storage.messages.get(id + 100)).toBeUndefined();
    });

    it('keeps a user message’s attachments and replaces them (a picture marked refused)', async () => {
      const id = await storage.messages.insertUserMessage({
        chatId,
        userId,
        parentId: null,
        content: 'Look',
        telegramMessageIds: [11],
        attachments: [{ kind: 'image', fileId: 'photo-1' }],
      });
      expect((await storage.messages.get(id))?.attachments).toEqual([{ kind: 'image', fileId: 'photo-1' }]);
      expect(
        await storage.messages.updateAttachments(id, [{ kind: 'image', fileId: 'photo-1', refused: true }]),
      ).toBe(true);
      expect((await storage.messages.get(id))?.attachments).toEqual([
        { kind: 'image', fileId: 'photo-1', refused: true },
      ]);
      expect(await storage.messages.updateAttachments(id + 100, [])).toBe(false);
    });

    it('streams an answer: started empty, progress saved, finished once', async () => {
      const q = await storage.messages.insertUserMessage({
        chatId,
        userId,
        parentId: null,
        content: 'q',
        telegramMessageIds: [1],
      });
      const a = await storage.messages.startAssistantMessage({
        chatId,
        userId,
        parentId: q,
        model: 'anthropic:claude',
        threadId: 3,
      });
      expect(await storage.messages.get(a)).toMatchObject({
        role: 'assistant',
        status: 'streaming',
        content: '',
        model: 'anthropic:claude',
        telegramMessageIds: [],
        finishedAt: null,
        parentId: q,
        threadId: 3,
      });
      expect(
        await storage.messages.saveAssistantProgress(a, { content: 'part', telegramMessageIds: [2] }),
      ).toBe(true);
      expect(await storage.messages.get(a)).toMatchObject({
        content: 'part',
        status: 'streaming',
        telegramMessageIds: [2],
      });

      clock.now += 2500;
      const finished = await storage.messages.finishAssistantMessage(a, {
        content: 'full answer',
        reasoning: 'thought',
        status: 'complete',
        telegramMessageIds: [2, 3],
      });
      expect(finished).toBe(true);
      expect(await storage.messages.get(a)).toMatchObject({
        content: 'full answer',
        reasoning: 'thought',
        status: 'complete',
        telegramMessageIds: [2, 3],
        finishedAt: clock.now,
      });
      // Finalisation is idempotent: a second finish changes nothing.
      expect(
        await storage.messages.finishAssistantMessage(a, {
          content: 'other',
          status: 'error',
          telegramMessageIds: [],
        }),
      ).toBe(false);
      expect(
        await storage.messages.saveAssistantProgress(a, { content: 'late', telegramMessageIds: [] }),
      ).toBe(false);
      expect((await storage.messages.get(a))?.content).toBe('full answer');
      expect(
        await storage.messages.finishAssistantMessage(12345, {
          content: '',
          status: 'error',
          telegramMessageIds: [],
        }),
      ).toBe(false);
    });

    it('finds a message by any of its Telegram message ids, per chat', async () => {
      const { questionId, answerId } = await exchange('q', 'a', { user: 100, bot: [101, 102, 103] }, null);
      expect((await storage.messages.findByTelegramMessageId(chatId, 100))?.id).toBe(questionId);
      expect((await storage.messages.findByTelegramMessageId(chatId, 101))?.id).toBe(answerId);
      expect((await storage.messages.findByTelegramMessageId(chatId, 103))?.id).toBe(answerId);
      expect(await storage.messages.findByTelegramMessageId(chatId, 104)).toBeUndefined();
      // Telegram message ids are per chat.
      await storage.chats.upsert({ id: 5, type: 'private' });
      expect(await storage.messages.findByTelegramMessageId(5, 101)).toBeUndefined();
    });

    it('indexes Telegram ids set by progress and finish, not only at insert', async () => {
      const a = await storage.messages.startAssistantMessage({
        chatId,
        userId,
        parentId: null,
        model: 'openai:gpt-5',
      });
      await storage.messages.saveAssistantProgress(a, { content: 'x', telegramMessageIds: [7] });
      expect((await storage.messages.findByTelegramMessageId(chatId, 7))?.id).toBe(a);
      await storage.messages.finishAssistantMessage(a, {
        content: 'x',
        status: 'complete',
        telegramMessageIds: [8, 9],
      });
      expect(await storage.messages.findByTelegramMessageId(chatId, 7)).toBeUndefined();
      expect((await storage.messages.findByTelegramMessageId(chatId, 9))?.id).toBe(a);
    });

    it('walks a conversation oldest first, and starts afresh after /new', async () => {
      const first = await exchange('q1', 'a1', { user: 1, bot: [2] }, null);
      const second = await exchange(
        'q2',
        'a2',
        { user: 3, bot: [4] },
        (await storage.chats.get(chatId))!.headMessageId,
      );
      expect(await contents(second.answerId)).toEqual(['q1', 'a1', 'q2', 'a2']);
      expect((await storage.messages.getChain(second.answerId))[0]?.id).toBe(first.questionId);

      // /new
      await storage.chats.setHead(chatId, null);
      const third = await exchange(
        'q3',
        'a3',
        { user: 5, bot: [6] },
        (await storage.chats.get(chatId))!.headMessageId,
      );
      expect(await contents(third.answerId)).toEqual(['q3', 'a3']);
      // The old conversation is still whole.
      expect(await contents(second.answerId)).toEqual(['q1', 'a1', 'q2', 'a2']);
    });

    it('branches when a user replies to an older bot message', async () => {
      await exchange('q1', 'a1', { user: 1, bot: [2] }, null);
      await exchange('q2', 'a2', { user: 3, bot: [4] }, (await storage.chats.get(chatId))!.headMessageId);
      // The user replies to Telegram message 2 (a1): the conversation continues from there.
      const repliedTo = (await storage.messages.findByTelegramMessageId(chatId, 2))!;
      const branch = await exchange('q2 instead', 'b2', { user: 5, bot: [6] }, repliedTo.id);
      expect(await contents(branch.answerId)).toEqual(['q1', 'a1', 'q2 instead', 'b2']);
      expect((await storage.chats.get(chatId))?.headMessageId).toBe(branch.answerId);
      const main = (await storage.messages.findByTelegramMessageId(chatId, 4))!;
      expect(await contents(main.id)).toEqual(['q1', 'a1', 'q2', 'a2']);
    });

    it('bounds a chain to the newest maxMessages', async () => {
      let head: number | null = null;
      for (let i = 0; i < 10; i++)
        head = (await exchange(`q${i}`, `a${i}`, { user: i * 2, bot: [i * 2 + 1] }, head)).answerId;
      expect(await contents(head!, 3)).toEqual(['a8', 'q9', 'a9']);
      expect(await storage.messages.getChain(head!)).toHaveLength(20);
      expect(await storage.messages.getChain(99999)).toEqual([]);
      await expect(storage.messages.getChain(head!, { maxMessages: 0 })).rejects.toThrow(RangeError);
    });

    it('keeps a conversation inside its chat', async () => {
      await storage.chats.upsert({ id: 5, type: 'private' });
      const elsewhere = await storage.messages.insertUserMessage({
        chatId: 5,
        userId,
        parentId: null,
        content: 'x',
        telegramMessageIds: [1],
      });
      await expect(
        storage.messages.insertUserMessage({
          chatId,
          userId,
          parentId: elsewhere,
          content: 'y',
          telegramMessageIds: [2],
        }),
      ).rejects.toThrow(
        expect.objectContaining({ kind: 'constraint', operation: 'messages.insertUserMessage' }),
      );
    });

    it('rejects Telegram ids that are not integers before touching the database', async () => {
      await expect(
        storage.messages.insertUserMessage({
          chatId,
          userId,
          parentId: null,
          content: 'x',
          telegramMessageIds: [1.5],
        }),
      ).rejects.toThrow(TypeError);
    });

    it('tells the status of the answer to the question stored from an update', async () => {
      expect(await storage.messages.answerStatusOfUpdate(chatId, 501)).toBeUndefined();
      const asked = (updateId: number, parentId: number | null) =>
        storage.messages.insertUserMessage({
          chatId,
          userId,
          parentId,
          content: `question of update ${updateId}`,
          telegramMessageIds: [updateId],
          updateId,
        });
      const start = (parentId: number) =>
        storage.messages.startAssistantMessage({ chatId, userId, parentId, model: 'openai:gpt-5' });
      const first = await start(await asked(501, null));
      expect(await storage.messages.answerStatusOfUpdate(chatId, 501)).toBe('streaming');
      await storage.messages.finishAssistantMessage(first, {
        content: 'done',
        status: 'complete',
        telegramMessageIds: [9],
      });
      expect(await storage.messages.answerStatusOfUpdate(chatId, 501)).toBe('complete');
      // Another chat's update of the same number is not this one.
      expect(await storage.messages.answerStatusOfUpdate(chatId + 1, 501)).toBeUndefined();
      await start(await asked(502, first));
      expect(await storage.messages.answerStatusOfUpdate(chatId, 502)).toBe('streaming');
    });

    it('marks answers left streaming by a crash as interrupted, keeping their partial text', async () => {
      const done = await exchange('q', 'a', { user: 1, bot: [2] }, null);
      const crashed = await storage.messages.startAssistantMessage({
        chatId,
        userId,
        parentId: done.answerId,
        model: 'openai:gpt-5',
      });
      await storage.messages.saveAssistantProgress(crashed, {
        content: 'half an ans',
        telegramMessageIds: [3],
      });
      const alsoCrashed = await storage.messages.startAssistantMessage({
        chatId,
        userId,
        parentId: null,
        model: 'openai:gpt-5',
      });

      // The process dies; the next one starts: new repositories over the same database.
      const messages = createMessageRepository(t.sql);
      expect((await messages.findStreaming()).map((m) => m.id)).toEqual([crashed, alsoCrashed]);
      const restartedAt = clock.now + 60_000;
      expect(await messages.markStreamingAsInterrupted(restartedAt)).toBe(2);
      expect(await messages.get(crashed)).toMatchObject({
        status: 'interrupted',
        content: 'half an ans',
        telegramMessageIds: [3],
        finishedAt: restartedAt,
      });
      expect((await messages.get(done.answerId))?.status).toBe('complete');
      expect(await messages.findStreaming()).toEqual([]);
      expect(await messages.markStreamingAsInterrupted(restartedAt)).toBe(0);
    });
  });
});

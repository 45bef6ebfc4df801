import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMessageRepository } from '../../src/storage/messages.js';
import type { Storage } from '../../src/storage/storage.js';
import { createTempWorkspace, createTestStorage, type TempWorkspace } from './temp-database.js';

let ws: TempWorkspace;
let storage: Storage;
let clock: { now: number };
const chatId = -100777;
const userId = 42;

beforeEach(() => {
  ws = createTempWorkspace();
  ({ storage, clock } = createTestStorage(ws));
  storage.chats.upsert({ id: chatId, type: 'supergroup', title: 'T' });
  storage.users.upsert({ id: userId, username: 'asker' });
});
afterEach(() => ws.cleanup());

/** One exchange the way the bot stores it: question, answer, head moved to the answer. */
function exchange(
  question: string,
  answer: string,
  tg: { user: number; bot: number[] },
  parentId: number | null,
) {
  const questionId = storage.messages.insertUserMessage({
    chatId,
    userId,
    parentId,
    content: question,
    telegramMessageIds: [tg.user],
  });
  const answerId = storage.messages.startAssistantMessage({
    chatId,
    userId,
    parentId: questionId,
    model: 'openai:gpt-5',
  });
  storage.transaction(() => {
    storage.messages.finishAssistantMessage(answerId, {
      content: answer,
      status: 'complete',
      telegramMessageIds: tg.bot,
    });
    storage.chats.setHead(chatId, answerId);
  });
  return { questionId, answerId };
}

const contents = (headId: number, maxMessages?: number) =>
  storage.messages.getChain(headId, maxMessages === undefined ? {} : { maxMessages }).map((m) => m.content);

describe('message repository', () => {
  it('stores a user message as complete with its Telegram id, thread and update', () => {
    const id = storage.messages.insertUserMessage({
      chatId,
      userId,
      parentId: null,
      content: 'What is WAL?',
      telegramMessageIds: [10],
      threadId: 3,
      updateId: 9001,
    });
    expect(storage.messages.get(id)).toEqual({
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
    expect(storage.messages.get(id + 100)).toBeUndefined();
  });

  it('keeps a user message’s attachments and replaces them (a picture marked refused)', () => {
    const id = storage.messages.insertUserMessage({
      chatId,
      userId,
      parentId: null,
      content: 'Look',
      telegramMessageIds: [11],
      attachments: [{ kind: 'image', fileId: 'photo-1' }],
    });
    expect(storage.messages.get(id)?.attachments).toEqual([{ kind: 'image', fileId: 'photo-1' }]);
    expect(
      storage.messages.updateAttachments(id, [{ kind: 'image', fileId: 'photo-1', refused: true }]),
    ).toBe(true);
    expect(storage.messages.get(id)?.attachments).toEqual([
      { kind: 'image', fileId: 'photo-1', refused: true },
    ]);
    expect(storage.messages.updateAttachments(id + 100, [])).toBe(false);
  });

  it('streams an answer: started empty, progress saved, finished once', () => {
    const q = storage.messages.insertUserMessage({
      chatId,
      userId,
      parentId: null,
      content: 'q',
      telegramMessageIds: [1],
    });
    const a = storage.messages.startAssistantMessage({
      chatId,
      userId,
      parentId: q,
      model: 'anthropic:claude',
      threadId: 3,
    });
    expect(storage.messages.get(a)).toMatchObject({
      role: 'assistant',
      status: 'streaming',
      content: '',
      model: 'anthropic:claude',
      telegramMessageIds: [],
      finishedAt: null,
      parentId: q,
      threadId: 3,
    });
    expect(storage.messages.saveAssistantProgress(a, { content: 'part', telegramMessageIds: [2] })).toBe(
      true,
    );
    expect(storage.messages.get(a)).toMatchObject({
      content: 'part',
      status: 'streaming',
      telegramMessageIds: [2],
    });

    clock.now += 2500;
    const finished = storage.messages.finishAssistantMessage(a, {
      content: 'full answer',
      reasoning: 'thought',
      status: 'complete',
      telegramMessageIds: [2, 3],
    });
    expect(finished).toBe(true);
    expect(storage.messages.get(a)).toMatchObject({
      content: 'full answer',
      reasoning: 'thought',
      status: 'complete',
      telegramMessageIds: [2, 3],
      finishedAt: clock.now,
    });
    // Finalisation is idempotent: a second finish changes nothing.
    expect(
      storage.messages.finishAssistantMessage(a, {
        content: 'other',
        status: 'error',
        telegramMessageIds: [],
      }),
    ).toBe(false);
    expect(storage.messages.saveAssistantProgress(a, { content: 'late', telegramMessageIds: [] })).toBe(
      false,
    );
    expect(storage.messages.get(a)?.content).toBe('full answer');
    expect(
      storage.messages.finishAssistantMessage(12345, {
        content: '',
        status: 'error',
        telegramMessageIds: [],
      }),
    ).toBe(false);
  });

  it('finds a message by any of its Telegram message ids, per chat', () => {
    const { questionId, answerId } = exchange('q', 'a', { user: 100, bot: [101, 102, 103] }, null);
    expect(storage.messages.findByTelegramMessageId(chatId, 100)?.id).toBe(questionId);
    expect(storage.messages.findByTelegramMessageId(chatId, 101)?.id).toBe(answerId);
    expect(storage.messages.findByTelegramMessageId(chatId, 103)?.id).toBe(answerId);
    expect(storage.messages.findByTelegramMessageId(chatId, 104)).toBeUndefined();
    // Telegram message ids are per chat.
    storage.chats.upsert({ id: 5, type: 'private' });
    expect(storage.messages.findByTelegramMessageId(5, 101)).toBeUndefined();
  });

  it('indexes Telegram ids set by progress and finish, not only at insert', () => {
    const a = storage.messages.startAssistantMessage({
      chatId,
      userId,
      parentId: null,
      model: 'openai:gpt-5',
    });
    storage.messages.saveAssistantProgress(a, { content: 'x', telegramMessageIds: [7] });
    expect(storage.messages.findByTelegramMessageId(chatId, 7)?.id).toBe(a);
    storage.messages.finishAssistantMessage(a, {
      content: 'x',
      status: 'complete',
      telegramMessageIds: [8, 9],
    });
    expect(storage.messages.findByTelegramMessageId(chatId, 7)).toBeUndefined();
    expect(storage.messages.findByTelegramMessageId(chatId, 9)?.id).toBe(a);
  });

  it('walks a conversation oldest first, and starts afresh after /new', () => {
    const first = exchange('q1', 'a1', { user: 1, bot: [2] }, null);
    const second = exchange('q2', 'a2', { user: 3, bot: [4] }, storage.chats.get(chatId)!.headMessageId);
    expect(contents(second.answerId)).toEqual(['q1', 'a1', 'q2', 'a2']);
    expect(storage.messages.getChain(second.answerId)[0]?.id).toBe(first.questionId);

    // /new
    storage.chats.setHead(chatId, null);
    const third = exchange('q3', 'a3', { user: 5, bot: [6] }, storage.chats.get(chatId)!.headMessageId);
    expect(contents(third.answerId)).toEqual(['q3', 'a3']);
    // The old conversation is still whole.
    expect(contents(second.answerId)).toEqual(['q1', 'a1', 'q2', 'a2']);
  });

  it('branches when a user replies to an older bot message', () => {
    exchange('q1', 'a1', { user: 1, bot: [2] }, null);
    exchange('q2', 'a2', { user: 3, bot: [4] }, storage.chats.get(chatId)!.headMessageId);
    // The user replies to Telegram message 2 (a1): the conversation continues from there.
    const repliedTo = storage.messages.findByTelegramMessageId(chatId, 2)!;
    const branch = exchange('q2 instead', 'b2', { user: 5, bot: [6] }, repliedTo.id);
    expect(contents(branch.answerId)).toEqual(['q1', 'a1', 'q2 instead', 'b2']);
    expect(storage.chats.get(chatId)?.headMessageId).toBe(branch.answerId);
    const main = storage.messages.findByTelegramMessageId(chatId, 4)!;
    expect(contents(main.id)).toEqual(['q1', 'a1', 'q2', 'a2']);
  });

  it('bounds a chain to the newest maxMessages', () => {
    let head: number | null = null;
    for (let i = 0; i < 10; i++)
      head = exchange(`q${i}`, `a${i}`, { user: i * 2, bot: [i * 2 + 1] }, head).answerId;
    expect(contents(head!, 3)).toEqual(['a8', 'q9', 'a9']);
    expect(storage.messages.getChain(head!)).toHaveLength(20);
    expect(storage.messages.getChain(99999)).toEqual([]);
    expect(() => storage.messages.getChain(head!, { maxMessages: 0 })).toThrow(RangeError);
  });

  it('keeps a conversation inside its chat', () => {
    storage.chats.upsert({ id: 5, type: 'private' });
    const elsewhere = storage.messages.insertUserMessage({
      chatId: 5,
      userId,
      parentId: null,
      content: 'x',
      telegramMessageIds: [1],
    });
    expect(() =>
      storage.messages.insertUserMessage({
        chatId,
        userId,
        parentId: elsewhere,
        content: 'y',
        telegramMessageIds: [2],
      }),
    ).toThrow(expect.objectContaining({ kind: 'constraint', operation: 'messages.insertUserMessage' }));
  });

  it('rejects Telegram ids that are not integers before touching the database', () => {
    expect(() =>
      storage.messages.insertUserMessage({
        chatId,
        userId,
        parentId: null,
        content: 'x',
        telegramMessageIds: [1.5],
      }),
    ).toThrow(TypeError);
  });

  it('marks answers left streaming by a crash as interrupted, keeping their partial text', () => {
    const done = exchange('q', 'a', { user: 1, bot: [2] }, null);
    const crashed = storage.messages.startAssistantMessage({
      chatId,
      userId,
      parentId: done.answerId,
      model: 'openai:gpt-5',
    });
    storage.messages.saveAssistantProgress(crashed, { content: 'half an ans', telegramMessageIds: [3] });
    const alsoCrashed = storage.messages.startAssistantMessage({
      chatId,
      userId,
      parentId: null,
      model: 'openai:gpt-5',
    });

    // The process dies; the next one starts.
    storage.db.close();
    const db = ws.open('test.db');
    const messages = createMessageRepository(db);
    expect(messages.findStreaming().map((m) => m.id)).toEqual([crashed, alsoCrashed]);
    const restartedAt = clock.now + 60_000;
    expect(messages.markStreamingAsInterrupted(restartedAt)).toBe(2);
    expect(messages.get(crashed)).toMatchObject({
      status: 'interrupted',
      content: 'half an ans',
      telegramMessageIds: [3],
      finishedAt: restartedAt,
    });
    expect(messages.get(done.answerId)?.status).toBe('complete');
    expect(messages.findStreaming()).toEqual([]);
    expect(messages.markStreamingAsInterrupted(restartedAt)).toBe(0);
  });
});

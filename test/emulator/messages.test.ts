import type { Bot } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type BotApiEmulator,
  createEmulatedBot,
  DESCRIPTIONS,
  startBotApiEmulator,
} from '../../src/emulator/index.js';

let emulator: BotApiEmulator;
let bot: Bot;

beforeEach(async () => {
  emulator = await startBotApiEmulator({ limits: 'none' });
  bot = createEmulatedBot(emulator);
});
afterEach(async () => {
  await emulator.close();
});

const description = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: { description?: string }) => error.description,
  );

describe('sending and editing', () => {
  it('numbers messages per chat, shared by the user and the bot, with Bot API shapes', async () => {
    const user = emulator.createUser({ firstName: 'Ada', username: 'ada' });
    const question = emulator.userSends({ chat: user.id, text: 'Hello' });
    const answer = await bot.api.sendMessage(user.id, 'Hi Ada', {
      reply_parameters: { message_id: question.message_id },
    });
    expect(question.message_id).toBe(1);
    expect(answer).toMatchObject({
      message_id: 2,
      from: { id: emulator.bot.id, is_bot: true, username: emulator.bot.username },
      chat: { id: user.id, type: 'private', first_name: 'Ada', username: 'ada' },
      text: 'Hi Ada',
      reply_to_message: { message_id: 1, text: 'Hello', from: { id: user.id } },
    });
    expect(answer.date).toBe(Math.floor(emulator.message(user.id, 2)!.sentAt / 1000));
    expect(emulator.userSends({ chat: user.id, text: 'again' }).message_id).toBe(3);
    expect(
      await description(bot.api.sendMessage(user.id, 'x', { reply_parameters: { message_id: 99 } })),
    ).toBe('Bad Request: message to be replied not found');
  });

  it('records every visible change in the chat timeline, with the text after each edit', async () => {
    const user = emulator.createUser();
    await bot.api.sendChatAction(user.id, 'typing');
    expect(emulator.chat(user.id).chatAction).toMatchObject({ action: 'typing' });
    const sent = await bot.api.sendMessage(user.id, 'Hel');
    expect(emulator.chat(user.id).chatAction).toBeUndefined();
    await bot.api.editMessageText(user.id, sent.message_id, 'Hello', {
      entities: [{ type: 'bold', offset: 0, length: 5 }],
    });
    await bot.api.editMessageText(user.id, sent.message_id, 'Hello, world');
    await bot.api.deleteMessage(user.id, sent.message_id);

    const timeline = emulator.timeline(user.id);
    expect(timeline.map((e) => e.type)).toEqual(['chat-action', 'message', 'edit', 'edit', 'deleted']);
    expect(timeline.filter((e) => e.type === 'edit')).toMatchObject([
      { text: 'Hello', entities: [{ type: 'bold', offset: 0, length: 5 }], editCount: 1, change: 'text' },
      { text: 'Hello, world', entities: [], editCount: 2 },
    ]);
    for (let i = 1; i < timeline.length; i++) {
      expect(timeline[i]!.seq).toBeGreaterThan(timeline[i - 1]!.seq);
      expect(timeline[i]!.at).toBeGreaterThanOrEqual(timeline[i - 1]!.at);
    }
    expect(emulator.visibleMessages(user.id)).toEqual([]);
    expect(emulator.message(user.id, sent.message_id)).toMatchObject({ deleted: true, editCount: 2 });
  });

  it('answers an unchanged edit with "message is not modified", also after trimming', async () => {
    const user = emulator.createUser();
    const keyboard = { inline_keyboard: [[{ text: 'Stop', callback_data: 'stop' }]] };
    const sent = await bot.api.sendMessage(user.id, 'Same', { reply_markup: keyboard });
    expect(
      await description(
        bot.api.editMessageText(user.id, sent.message_id, 'Same ', { reply_markup: keyboard }),
      ),
    ).toBe(
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
    expect(
      await description(bot.api.editMessageReplyMarkup(user.id, sent.message_id, { reply_markup: keyboard })),
    ).toMatch(/^Bad Request: message is not modified/);
    // Leaving out reply_markup removes the keyboard: a real change.
    const edited = await bot.api.editMessageText(user.id, sent.message_id, 'Same');
    expect(edited).not.toHaveProperty('reply_markup');
    expect(emulator.message(user.id, sent.message_id)?.replyMarkup).toBeUndefined();
    const withKeyboard = await bot.api.editMessageReplyMarkup(user.id, sent.message_id, {
      reply_markup: keyboard,
    });
    expect(withKeyboard).toMatchObject({ reply_markup: keyboard });
  });

  it('refuses edits of deleted, unknown and foreign messages with Telegram descriptions', async () => {
    const user = emulator.createUser();
    const sent = await bot.api.sendMessage(user.id, 'mine');
    const theirs = emulator.userSends({ chat: user.id, text: 'theirs' });
    expect(await description(bot.api.editMessageText(user.id, theirs.message_id, 'changed'))).toBe(
      DESCRIPTIONS.cantEdit,
    );
    expect(await description(bot.api.editMessageText(user.id, 999, 'changed'))).toBe(
      DESCRIPTIONS.editNotFound,
    );
    emulator.userDeletesMessage({ chat: user.id, messageId: sent.message_id });
    expect(await description(bot.api.editMessageText(user.id, sent.message_id, 'changed'))).toBe(
      'Bad Request: message to edit not found',
    );
    expect(await description(bot.api.deleteMessage(user.id, sent.message_id))).toBe(
      'Bad Request: message to delete not found',
    );
    expect(emulator.timeline(user.id, { type: 'deleted' })).toMatchObject([
      { messageId: sent.message_id, by: 'user' },
    ]);
  });

  it('sends into forum topics and rejects unknown threads', async () => {
    const forum = emulator.createGroup({ title: 'Forum', isForum: true });
    const threadId = emulator.createTopic(forum.id, 'Questions');
    const user = emulator.createUser();
    const asked = emulator.userSends({ chat: forum.id, from: user.id, text: 'In a topic', threadId });
    expect(asked).toMatchObject({
      message_thread_id: threadId,
      is_topic_message: true,
      chat: { type: 'supergroup', is_forum: true },
    });
    const answer = await bot.api.sendMessage(forum.id, 'Answer', { message_thread_id: threadId });
    expect(answer.message_thread_id).toBe(threadId);
    expect(emulator.timeline(forum.id, { threadId, type: 'message' })).toHaveLength(2);
    expect(await description(bot.api.sendMessage(forum.id, 'Lost', { message_thread_id: 4242 }))).toBe(
      'Bad Request: message thread not found',
    );
  });
});

describe('user actions', () => {
  it('delivers user messages with detected commands, edits and non-text messages as updates', async () => {
    const user = emulator.createUser();
    const group = emulator.createGroup({ title: 'Team' });
    emulator.userSends({ chat: user.id, text: '/model@streamgram_test_bot gpt' });
    emulator.userSends({ chat: group.id, from: user.id, text: 'hi @streamgram_test_bot' });
    const photo = emulator.userSendsMedia({ chat: user.id, kind: 'photo', caption: 'look' });
    emulator.userSendsMedia({ chat: user.id, kind: 'voice' });
    emulator.editUserMessage({ chat: user.id, messageId: photo.message_id, text: 'look again' });

    const updates = await bot.api.getUpdates();
    expect(updates.map((u) => Object.keys(u).find((k) => k !== 'update_id'))).toEqual([
      'message',
      'message',
      'message',
      'message',
      'edited_message',
    ]);
    expect(updates[0]?.message?.entities).toEqual([{ type: 'bot_command', offset: 0, length: 26 }]);
    expect(updates[1]?.message?.entities).toEqual([{ type: 'mention', offset: 3, length: 20 }]);
    expect(updates[2]?.message).toMatchObject({ caption: 'look', photo: [{}, { width: 1280 }] });
    expect(updates[3]?.message?.voice).toMatchObject({ mime_type: 'audio/ogg' });
    expect(updates[4]?.edited_message).toMatchObject({ caption: 'look again', message_id: photo.message_id });
  });

  it('turns a button press into a callback query and records the answer', async () => {
    const user = emulator.createUser();
    const sent = await bot.api.sendMessage(user.id, 'Pick', {
      reply_markup: { inline_keyboard: [[{ text: 'GPT', callback_data: 'model:gpt' }]] },
    });
    const id = emulator.pressButton({ chat: user.id, messageId: sent.message_id, data: 'model:gpt' });
    const [update] = await bot.api.getUpdates();
    expect(update?.callback_query).toMatchObject({
      id,
      data: 'model:gpt',
      message: { message_id: sent.message_id },
    });
    await bot.api.answerCallbackQuery(id, { text: 'Model set' });
    expect(emulator.callbackQuery(id)?.answer).toMatchObject({ text: 'Model set', showAlert: false });
    expect(emulator.timeline(user.id, { type: 'callback-answer' })).toMatchObject([
      { callbackQueryId: id, text: 'Model set', messageId: sent.message_id },
    ]);
    expect(await description(bot.api.answerCallbackQuery(id))).toBe(DESCRIPTIONS.queryTooOld);
    expect(() => emulator.pressButton({ chat: user.id, messageId: sent.message_id, data: 'nope' })).toThrow(
      /no button/,
    );
  });

  it('hears only commands, mentions and replies in groups with privacy mode', async () => {
    await emulator.close();
    emulator = await startBotApiEmulator({ limits: 'none', privacyMode: true });
    bot = createEmulatedBot(emulator);
    const user = emulator.createUser();
    const group = emulator.createGroup({ type: 'group' });
    emulator.userSends({ chat: group.id, from: user.id, text: 'just chatting' });
    emulator.userSends({ chat: group.id, from: user.id, text: '/ask something' });
    const botMessage = await bot.api.sendMessage(group.id, 'I am here');
    emulator.userSends({
      chat: group.id,
      from: user.id,
      text: 'thanks',
      replyToMessageId: botMessage.message_id,
    });
    const updates = await bot.api.getUpdates();
    expect(updates.map((u) => u.message?.text)).toEqual(['/ask something', 'thanks']);
    expect(emulator.visibleMessages(group.id)).toHaveLength(4);
  });
});

import { expect, it } from 'vitest';
import { contentText } from '../support/fake-model/scenario.js';
import { botMessages, hasKeyboard, longAnswer, useAnswerWorld } from './answer-e2e-support.js';

const start = useAnswerWorld();
it('streams 40 answers at once (a third in groups) under Telegram’s limits without a single 429', async () => {
  // Telegram-like limits in the emulator, the bot's default budgets: the budgets must keep it clear of them.
  const { world, store } = await start({ STREAM_MODE: 'auto' }, { limits: 'telegram' });
  const { telegram, openai } = world;
  const chats = Array.from({ length: 40 }, (_, index) =>
    index % 3 === 0
      ? { id: telegram.createGroup({ title: `Group ${index}` }).id, group: true }
      : { id: telegram.createUser({ firstName: `User ${index}` }).id, group: false },
  );
  const answerFor = (index: number) => longAnswer(800 + 20 * index, `Chat ${index}`);
  openai.setHandler((request) => {
    const index = Number(/question (\d+)/.exec(contentText(request.messages.at(-1)))?.[1]);
    return { text: answerFor(index), tokensPerSecond: 50 };
  });
  const member = telegram.createUser({ firstName: 'Member' });
  for (const [index, chat] of chats.entries()) {
    telegram.userSends({
      chat: chat.id,
      ...(chat.group ? { from: member.id } : {}),
      text: `${chat.group ? `@${telegram.bot.username} ` : ''}question ${index}`,
    });
  }

  const answers = await store.waitForFinished(chats.length, { timeoutMs: 60_000 });
  expect(telegram.stats().tooManyRequests).toBe(0);
  expect(telegram.calls({ ok: false })).toEqual([]);
  for (const [index, chat] of chats.entries()) {
    const answer = answers.find((candidate) => candidate.chatId === chat.id);
    expect(answer?.status).toBe('complete');
    const messages = botMessages(world, chat.id);
    expect(messages.map((message) => message.text)).toEqual([answerFor(index)]);
    expect(hasKeyboard(messages[0])).toBe(false);
    expect(answer?.telegramMessageIds).toEqual([messages[0]?.messageId]);
    // Groups stream by edits and privates by drafts, never the other way round.
    const methods = new Set(telegram.calls({ chatId: chat.id }).map((call) => call.method));
    expect(methods.has('sendMessageDraft')).toBe(!chat.group);
  }
}, 90_000);

import { expect, it } from 'vitest';
import { botMessages, longAnswer, useAnswerWorld } from '../conversation/answer-e2e-support.js';
import { contentText } from '../support/fake-model/scenario.js';

// Calls Telegram does not count as messages (see paced-fetch.ts).
const UNCOUNTED = new Set(['getUpdates', 'getMe', 'setMyCommands', 'deleteWebhook', 'setWebhook']);

function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

const start = useAnswerWorld();
it('120 answers at once (40 % in groups): never more than 30 calls in any second as the emulator receives them, no 429', async () => {
  // The emulator's strictest model: sliding windows counted when each request arrives (30 in any
  // 1 s for the bot, 3 in any 3 s per private chat, groups 1 s apart and 20 in any 60 s).
  const { world, store } = await start({ STREAM_MODE: 'auto' }, { limits: 'sliding' });
  const { telegram, openai } = world;
  const count = 120;
  const chats = Array.from({ length: count }, (_, index) =>
    index % 5 < 2
      ? { id: telegram.createGroup({ title: `Group ${index}` }).id, group: true }
      : { id: telegram.createUser({ firstName: `User ${index}` }).id, group: false },
  );
  const answerFor = (index: number) => longAnswer(500 + 5 * index, `Chat ${index}`);
  openai.setHandler((request) => {
    const index = Number(/question (\d+)/.exec(contentText(request.messages.at(-1)))?.[1]);
    return { text: answerFor(index), tokensPerSecond: 40 };
  });
  for (const [index, chat] of chats.entries()) {
    // One member per group: a single person asking 48 questions a minute would be told to slow down.
    const member = chat.group ? telegram.createUser({ firstName: `Member ${index}` }) : undefined;
    telegram.userSends({
      chat: chat.id,
      ...(member ? { from: member.id } : {}),
      text: `${chat.group ? `@${telegram.bot.username} ` : ''}question ${index}`,
    });
  }

  const answers = await store.waitForFinished(count, { timeoutMs: 100_000 });
  expect(telegram.rateLimitStats()).toEqual({ global: 0, privateChat: 0, groupChat: 0 });
  expect(telegram.stats().tooManyRequests).toBe(0);
  const counted = telegram.calls().filter((call) => !UNCOUNTED.has(call.method));
  expect(counted.length).toBeGreaterThan(count);
  expect(
    maxInWindow(
      counted.map((call) => call.at),
      1000,
    ),
  ).toBeLessThanOrEqual(30);
  for (const [index, chat] of chats.entries()) {
    expect(answers.find((answer) => answer.chatId === chat.id)?.status).toBe('complete');
    expect(botMessages(world, chat.id).map((message) => message.text)).toEqual([answerFor(index)]);
    const times = telegram
      .calls({ chatId: chat.id })
      .filter((call) => call.method !== 'sendChatAction')
      .map((call) => call.at);
    if (chat.group) {
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
    } else {
      // Drafts and sends of a private chat: never more than 3 in any 3 s as they arrive.
      expect(maxInWindow(times, 3000)).toBeLessThanOrEqual(3);
    }
  }
}, 150_000);

it('private chats streaming drafts for seconds: never more than 3 calls in any 3 s per chat, no 429', async () => {
  const { world, store } = await start({ STREAM_MODE: 'auto' }, { limits: 'sliding' });
  const { telegram, openai } = world;
  const count = 6;
  const users = Array.from({ length: count }, (_, index) => telegram.createUser({ firstName: `U${index}` }));
  const answerFor = (index: number) => longAnswer(600 + 7 * index, `Private ${index}`);
  openai.setHandler((request) => {
    const index = Number(/question (\d+)/.exec(contentText(request.messages.at(-1)))?.[1]);
    // ~6 s of streaming each: many more frames than a private chat's burst.
    return { text: answerFor(index), tokenChars: 4, tokensPerSecond: 25 };
  });
  for (const [index, user] of users.entries())
    telegram.userSends({ chat: user.id, text: `question ${index}` });

  const answers = await store.waitForFinished(count, { timeoutMs: 60_000 });
  expect(telegram.rateLimitStats()).toEqual({ global: 0, privateChat: 0, groupChat: 0 });
  for (const [index, user] of users.entries()) {
    expect(answers.find((answer) => answer.chatId === user.id)?.status).toBe('complete');
    expect(botMessages(world, user.id).map((message) => message.text)).toEqual([answerFor(index)]);
    const times = telegram
      .calls({ chatId: user.id })
      .filter((call) => call.method !== 'sendChatAction')
      .map((call) => call.at);
    // The burst was spent and the chat kept streaming at its steady pace.
    expect(times.length).toBeGreaterThan(4);
    expect(maxInWindow(times, 3000)).toBeLessThanOrEqual(3);
  }
}, 90_000);

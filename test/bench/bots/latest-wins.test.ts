import type { Bot } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { createLatestWins } from '../../../bench/bots/latest-wins.js';
import { type BotApiEmulator, createEmulatedBot, startBotApiEmulator } from '../../../src/emulator/index.js';

// The grammY baseline's delivery loop, against the emulator through grammY's real HTTP client.
let emulator: BotApiEmulator;
let bot: Bot;

afterEach(async () => {
  await emulator.close();
});

async function start() {
  emulator = await startBotApiEmulator({ limits: 'none' });
  bot = createEmulatedBot(emulator);
  const chatId = emulator.createUser().id;
  const delivery = createLatestWins({
    send: async (text) => (await bot.api.sendMessage(chatId, text)).message_id,
    edit: async (messageId, text) => {
      await bot.api.editMessageText(chatId, messageId, text);
    },
  });
  const texts = (method: string) =>
    emulator.calls({ method, chatId, ok: true }).map((call) => call.params.text as string);
  return { chatId, delivery, texts };
}

describe('the grammY baseline latest-wins loop', () => {
  it('skips the frames that arrive while a call is in flight and ends on the final text', async () => {
    const { chatId, delivery, texts } = await start();
    delivery.show(['frame 1']);
    // All of these arrive while the first send is still on its way: none of them may be sent.
    for (let i = 2; i <= 20; i++) delivery.show([`frame ${i}`]);
    await delivery.finish(['the final answer']);
    expect(texts('sendMessage')).toEqual(['frame 1']);
    expect(texts('editMessageText')).toEqual(['the final answer']);
    expect(emulator.visibleMessages(chatId).map((message) => message.text)).toEqual(['the final answer']);
  });

  it('keeps one call in flight and never goes back to an older frame', async () => {
    const { chatId, texts } = await start();
    let inFlight = 0;
    let most = 0;
    // The same calls, counted: how many are on their way at once.
    const counted =
      <T>(call: () => Promise<T>) =>
      async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        try {
          return await call();
        } finally {
          inFlight -= 1;
        }
      };
    const delivery = createLatestWins({
      send: (text) => counted(async () => (await bot.api.sendMessage(chatId, text)).message_id)(),
      edit: (messageId, text) =>
        counted(async () => {
          await bot.api.editMessageText(chatId, messageId, text);
        })(),
    });
    for (let i = 1; i <= 40; i++) {
      delivery.show([`frame ${i}`]);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await delivery.finish(['frame 41']);
    expect(most).toBe(1);
    const frames = [...texts('sendMessage'), ...texts('editMessageText')].map((text) =>
      Number(text.slice(6)),
    );
    expect(frames.at(-1)).toBe(41);
    expect([...frames].sort((a, b) => a - b)).toEqual(frames);
    expect(new Set(frames).size).toBe(frames.length);
  });

  it('sends each part as its own message, in order, and then only edits it', async () => {
    const { chatId, delivery, texts } = await start();
    delivery.show(['first part, half']);
    await delivery.finish(['first part, whole', 'second part']);
    expect(texts('sendMessage')).toEqual(['first part, half', 'second part']);
    expect(emulator.visibleMessages(chatId).map((message) => message.text)).toEqual([
      'first part, whole',
      'second part',
    ]);
  });

  it('tries the final edit again when it fails once', async () => {
    const { chatId, delivery } = await start();
    await delivery.finish(['draft']);
    emulator.failNext({ method: 'editMessageText', status: 500 });
    await delivery.finish(['final']);
    expect(emulator.visibleMessages(chatId).map((message) => message.text)).toEqual(['final']);
    expect(emulator.calls({ method: 'editMessageText' }).map((call) => call.status)).toEqual([500, 200]);
  });
});

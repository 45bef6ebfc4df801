import { type Bot, GrammyError } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BotApiEmulator,
  type BotApiEmulatorOptions,
  createEmulatedBot,
  RATE_LIMIT_PRESETS,
  startBotApiEmulator,
} from '../../src/emulator/index.js';

// A manual clock makes the windows deterministic; no test waits for real seconds.
let clock = 1_800_000_000_000;
let emulator: BotApiEmulator;
let bot: Bot;

async function start(options: BotApiEmulatorOptions = {}) {
  clock = 1_800_000_000_000;
  emulator = await startBotApiEmulator({ now: () => clock, limits: 'sliding', ...options });
  bot = createEmulatedBot(emulator);
}

afterEach(async () => {
  await emulator.close();
});

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof GrammyError) return error;
    throw error;
  }
}

describe('the sliding-window model', () => {
  it('never allows more than 30 bot-wide calls in any 1000 ms, and counts the 429s as bot-wide', async () => {
    await start();
    const users = Array.from({ length: 31 }, () => emulator.createUser());
    for (const [i, u] of users.slice(0, 30).entries()) {
      clock += i === 0 ? 0 : 10; // 30 calls spread over 290 ms
      await bot.api.sendMessage(u.id, 'x');
    }
    const last = users[30];
    if (last === undefined) throw new Error('no user');
    // 990 ms after the first call the window still holds 30 calls; a bucket would have refilled ~20.
    clock += 700;
    const limited = await failure(bot.api.sendMessage(last.id, 'over'));
    expect(limited?.error_code).toBe(429);
    expect(limited?.parameters.retry_after).toBe(1);
    expect(emulator.rateLimitStats()).toEqual({ global: 1, privateChat: 0, groupChat: 0 });
    // Once the first call leaves the window, one more fits.
    clock += 10;
    await bot.api.sendMessage(last.id, 'fits');
  });

  it('allows a private chat 3 calls in any 3000 ms and counts its 429s as private', async () => {
    await start();
    const user = emulator.createUser();
    for (let i = 0; i < 3; i++) await bot.api.sendMessage(user.id, `m${i}`);
    clock += 2_999;
    expect((await failure(bot.api.sendMessage(user.id, 'over')))?.error_code).toBe(429);
    clock += 1;
    await bot.api.sendMessage(user.id, 'fits');
    expect(emulator.rateLimitStats()).toEqual({ global: 0, privateChat: 1, groupChat: 0 });
  });

  it('keeps group calls at least 1 s apart and at most 20 in any 60 s', async () => {
    await start();
    const group = emulator.createGroup();
    await bot.api.sendMessage(group.id, 'first');
    clock += 999;
    expect((await failure(bot.api.sendMessage(group.id, 'too soon')))?.error_code).toBe(429);
    clock += 1;
    for (let i = 1; i < 20; i++) {
      await bot.api.sendMessage(group.id, `m${i}`);
      clock += 1_000;
    }
    // 20 calls at t = 1 s .. 20 s (after the first at 0): the 21st must wait until the first leaves the window.
    const limited = await failure(bot.api.sendMessage(group.id, 'over'));
    expect(limited?.error_code).toBe(429);
    expect(limited?.parameters.retry_after).toBeGreaterThan(30);
    expect(emulator.rateLimitStats()).toEqual({ global: 0, privateChat: 0, groupChat: 2 });
  });

  it('counts callback answers bot-wide in the sliding model only', async () => {
    await start({
      limits: {
        ...RATE_LIMIT_PRESETS.sliding,
        windows: {
          global: { max: 2, windowMs: 1_000, minGapMs: 0 },
          privateChat: null,
          groupChat: null,
        },
      },
    });
    const user = emulator.createUser();
    const sent = await bot.api.sendMessage(user.id, 'pick', {
      reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'a' }]] },
    });
    const queryId = emulator.pressButton({ chat: user, messageId: sent.message_id, data: 'a' });
    await bot.api.answerCallbackQuery(queryId);
    expect((await failure(bot.api.sendChatAction(user.id, 'typing')))?.error_code).toBe(429);
    expect(emulator.rateLimitStats().global).toBe(1);
    emulator.resetRateLimits();
    expect(emulator.rateLimitStats()).toEqual({ global: 0, privateChat: 0, groupChat: 0 });
  });

  it('keeps the bucket model the default, and counts its 429s by kind too', async () => {
    clock = 1_800_000_000_000;
    emulator = await startBotApiEmulator({ now: () => clock });
    bot = createEmulatedBot(emulator);
    expect(emulator.limits()).toEqual(RATE_LIMIT_PRESETS.telegram);
    const user = emulator.createUser();
    for (let i = 0; i < 3; i++) await bot.api.sendMessage(user.id, `m${i}`);
    expect((await failure(bot.api.sendMessage(user.id, 'over')))?.error_code).toBe(429);
    expect(emulator.rateLimitStats()).toEqual({ global: 0, privateChat: 1, groupChat: 0 });
  });
});

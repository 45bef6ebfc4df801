import { type Bot, GrammyError } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BotApiEmulator,
  type BotApiEmulatorOptions,
  createEmulatedBot,
  RATE_LIMIT_PRESETS,
  startBotApiEmulator,
} from '../../src/emulator/index.js';

// A manual clock makes buckets and holds deterministic; no test waits for real seconds.
let clock = 1_800_000_000_000;
let emulator: BotApiEmulator;
let bot: Bot;

async function start(options: BotApiEmulatorOptions = {}) {
  clock = 1_800_000_000_000;
  emulator = await startBotApiEmulator({ now: () => clock, ...options });
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

describe("Telegram's limits", () => {
  it('lets a private chat burst 3 sends, then answers 429 with retry_after and holds the chat', async () => {
    await start();
    const user = emulator.createUser();
    const other = emulator.createUser();
    for (let i = 0; i < 3; i++) await bot.api.sendMessage(user.id, `m${i}`);

    const limited = await failure(bot.api.sendMessage(user.id, 'one too many'));
    expect(limited?.error_code).toBe(429);
    expect(limited?.description).toBe('Too Many Requests: retry after 1');
    expect(limited?.parameters).toEqual({ retry_after: 1 });

    // During the hold every call to that chat is refused, edits and drafts included; other chats are fine.
    clock += 500;
    expect((await failure(bot.api.editMessageText(user.id, 1, 'edited')))?.parameters.retry_after).toBe(1);
    expect((await failure(bot.api.sendMessageDraft(user.id, 1, 'draft')))?.error_code).toBe(429);
    await bot.api.sendMessage(other.id, 'unaffected');

    clock += 600;
    await bot.api.sendMessage(user.id, 'after the hold');
    expect(emulator.stats().byMethod.sendMessage).toMatchObject({ calls: 6, ok: 5, tooManyRequests: 1 });
    expect(emulator.stats().tooManyRequests).toBe(3);
    expect(emulator.calls({ status: 429 }).map((c) => c.method)).toEqual([
      'sendMessage',
      'editMessageText',
      'sendMessageDraft',
    ]);
  });

  it('sends the Retry-After header with a 429', async () => {
    await start({ limits: 'strict' });
    const user = emulator.createUser();
    const send = () =>
      fetch(`${emulator.apiRoot}/bot${emulator.token}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: user.id, text: 'x' }),
      });
    expect((await send()).status).toBe(200);
    const limited = await send();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toEqual({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
  });

  it('allows 20 messages a minute in a group and announces the wait for the next token', async () => {
    await start();
    const group = emulator.createGroup();
    for (let i = 0; i < 20; i++) await bot.api.sendMessage(group.id, `m${i}`);
    const limited = await failure(bot.api.sendMessage(group.id, 'm20'));
    expect(limited?.parameters.retry_after).toBe(3);
    clock += 2_000;
    expect((await failure(bot.api.sendMessage(group.id, 'still held')))?.parameters.retry_after).toBe(1);
    clock += 1_000;
    await bot.api.sendMessage(group.id, 'm21');
  });

  it('counts chat actions and deletions only globally, and getMe, getUpdates, commands and callback answers not at all', async () => {
    await start({ limits: { ...RATE_LIMIT_PRESETS.telegram, global: { burst: 5, perSecond: 5 } } });
    const user = emulator.createUser();
    for (let i = 0; i < 20; i++) {
      await bot.api.getMe();
      await bot.api.getUpdates({ timeout: 0 });
      await bot.api.getMyCommands();
    }
    for (let i = 0; i < 5; i++) await bot.api.sendChatAction(user.id, 'typing');
    const globallyLimited = await failure(bot.api.sendChatAction(user.id, 'typing'));
    expect(globallyLimited?.error_code).toBe(429);
    // A global hold stops every chat until it passes.
    const other = emulator.createUser();
    expect((await failure(bot.api.sendMessage(other.id, 'x')))?.error_code).toBe(429);
    clock += 1_000;
    // The chat's own bucket was never touched by chat actions: a full burst of 3 is available.
    for (let i = 0; i < 3; i++) await bot.api.sendMessage(user.id, `m${i}`);
  });

  it('holds the whole bot past 30 calls a second with the telegram preset', async () => {
    await start();
    const users = Array.from({ length: 40 }, () => emulator.createUser());
    const results = await Promise.all(users.map((u) => failure(bot.api.sendMessage(u.id, 'broadcast'))));
    expect(results.filter((r) => r === undefined)).toHaveLength(30);
    expect(results.filter((r) => r?.error_code === 429)).toHaveLength(10);
  });
});

describe('presets and runtime switches', () => {
  it('strict allows no burst; none allows everything; setLimits switches at runtime', async () => {
    await start({ limits: 'strict' });
    const user = emulator.createUser();
    await bot.api.sendMessage(user.id, 'one');
    expect((await failure(bot.api.sendMessage(user.id, 'two')))?.error_code).toBe(429);

    emulator.setLimits('none');
    for (let i = 0; i < 50; i++) await bot.api.sendMessage(user.id, `free ${i}`);

    emulator.setLimits('telegram');
    expect(emulator.limits()).toEqual(RATE_LIMIT_PRESETS.telegram);
    for (let i = 0; i < 3; i++) await bot.api.sendMessage(user.id, `burst ${i}`);
    expect((await failure(bot.api.sendMessage(user.id, 'over')))?.error_code).toBe(429);
    emulator.resetRateLimits();
    await bot.api.sendMessage(user.id, 'after reset');
  });

  it('holds a chat on request, as a test would simulate a long flood wait', async () => {
    await start({ limits: 'none' });
    const user = emulator.createUser();
    emulator.holdChat(user.id, 33);
    expect((await failure(bot.api.sendMessage(user.id, 'x')))?.description).toBe(
      'Too Many Requests: retry after 33',
    );
    clock += 32_500;
    expect((await failure(bot.api.sendMessage(user.id, 'x')))?.parameters.retry_after).toBe(1);
    clock += 500;
    await bot.api.sendMessage(user.id, 'delivered after the hold');
  });
});

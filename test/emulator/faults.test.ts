import { type Bot, GrammyError, HttpError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BotApiEmulator, createEmulatedBot, startBotApiEmulator } from '../../src/emulator/index.js';

let emulator: BotApiEmulator;
let bot: Bot;

beforeEach(async () => {
  emulator = await startBotApiEmulator({ limits: 'none' });
  bot = createEmulatedBot(emulator);
});
afterEach(async () => {
  await emulator.close();
});

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: unknown) => error,
  );

describe('injected failures', () => {
  it('fails the next matching calls with 5xx without any effect', async () => {
    const user = emulator.createUser();
    emulator.failNext({ method: 'sendmessage', status: 500, times: 2 });
    for (let i = 0; i < 2; i++) {
      const error = await outcome(bot.api.sendMessage(user.id, 'lost'));
      expect(error).toBeInstanceOf(GrammyError);
      expect(error).toMatchObject({ error_code: 500, description: 'Internal Server Error' });
    }
    await bot.api.getMe();
    await bot.api.sendMessage(user.id, 'delivered');
    expect(emulator.visibleMessages(user.id).map((m) => m.text)).toEqual(['delivered']);
    expect(emulator.stats().byMethod.sendMessage?.errors).toEqual({ 500: 2 });
  });

  it('can answer 502 with an HTML page, as Telegram front servers do', async () => {
    const user = emulator.createUser();
    emulator.failNext({ status: 502, htmlBody: true });
    const error = await outcome(bot.api.sendMessage(user.id, 'x'));
    expect(error).toBeInstanceOf(HttpError);
  });

  it('injects a 429 for one chat that holds that chat like a real one', async () => {
    const user = emulator.createUser();
    const other = emulator.createUser();
    emulator.failNext({ chatId: user.id, status: 429, retryAfter: 40 });
    await bot.api.sendMessage(other.id, 'unaffected');
    expect(await outcome(bot.api.sendMessage(user.id, 'x'))).toMatchObject({
      error_code: 429,
      description: 'Too Many Requests: retry after 40',
      parameters: { retry_after: 40 },
    });
    const held = await outcome(bot.api.sendMessage(user.id, 'again'));
    expect(held).toMatchObject({ error_code: 429 });
    expect((held as GrammyError).parameters.retry_after).toBeGreaterThanOrEqual(39);
  });

  it('draws random faults from a seeded generator, the same for the same seed', async () => {
    const pattern = async (seed: number) => {
      const local = await startBotApiEmulator({ limits: 'none', seed });
      try {
        const localBot = createEmulatedBot(local);
        const user = local.createUser();
        local.setRandomFaults({ rate429: 0.3, rate5xx: 0.2, retryAfterRange: [1, 40] });
        const results: string[] = [];
        for (let i = 0; i < 40; i++) {
          local.resetRateLimits();
          const result = await outcome(localBot.api.sendMessage(user.id, `m${i}`));
          results.push(result === 'ok' ? 'ok' : String((result as GrammyError).error_code));
        }
        // getMe is not in the default set of faulty methods.
        await localBot.api.getMe();
        const retryAfters = local.calls({ status: 429 }).map((c) => c.error?.retryAfter ?? 0);
        expect(retryAfters.every((r) => r >= 1 && r <= 40)).toBe(true);
        return results;
      } finally {
        await local.close();
      }
    };
    const first = await pattern(7);
    expect(await pattern(7)).toEqual(first);
    expect(first).toContain('429');
    expect(first).toContain('500');
    expect(first).toContain('ok');
  });

  it('drops the connection after the call took effect (an ambiguous failure)', async () => {
    const user = emulator.createUser();
    emulator.dropConnectionAfterProcessing({ method: 'sendMessage' });
    const error = await outcome(bot.api.sendMessage(user.id, 'did it arrive?'));
    expect(error).toBeInstanceOf(HttpError);
    expect(emulator.visibleMessages(user.id).map((m) => m.text)).toEqual(['did it arrive?']);
    expect(emulator.calls({ method: 'sendMessage' })[0]).toMatchObject({
      status: 0,
      ok: true,
      dropped: true,
    });
    await bot.api.sendMessage(user.id, 'next one is answered');
  });
});

describe('unreachable server', () => {
  it('refuses connections, cuts long polls, and comes back on the same port', async () => {
    const user = emulator.createUser();
    const poll = outcome(bot.api.getUpdates({ timeout: 20 }));
    await emulator.waitFor(() => emulator.isLongPolling());
    await emulator.setUnreachable(true);
    expect(await poll).toBeInstanceOf(HttpError);

    const refused = await outcome(bot.api.sendMessage(user.id, 'x'));
    expect(refused).toBeInstanceOf(HttpError);
    expect((refused as HttpError).error).toMatchObject({ code: 'ECONNREFUSED' });

    await emulator.setUnreachable(false);
    await bot.api.sendMessage(user.id, 'back');
    expect(emulator.apiRoot).toBe(`http://127.0.0.1:${emulator.port}`);
  });

  it('comes back by itself after a given time', async () => {
    await emulator.setUnreachable(200);
    expect(await outcome(bot.api.getMe())).toBeInstanceOf(HttpError);
    const deadline = Date.now() + 5_000;
    let me: unknown;
    while (me === undefined && Date.now() < deadline) {
      me = await bot.api
        .getMe()
        .catch(() => new Promise((resolve) => setTimeout(() => resolve(undefined), 50)));
    }
    expect(me).toMatchObject({ id: emulator.bot.id });
  });
});

import { GrammyError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BotApiEmulator, createEmulatedBot, startBotApiEmulator } from '../../src/emulator/index.js';

let emulator: BotApiEmulator;

beforeEach(async () => {
  emulator = await startBotApiEmulator();
});
afterEach(async () => {
  await emulator.close();
});

async function raw(path: string, init: RequestInit = {}) {
  const response = await fetch(`${emulator.apiRoot}${path}`, init);
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('routing and envelopes', () => {
  it('answers getMe through grammY with the bot user', async () => {
    const bot = createEmulatedBot(emulator);
    const me = await bot.api.getMe();
    expect(me).toMatchObject({ id: emulator.bot.id, is_bot: true, username: 'streamgram_test_bot' });
    expect(emulator.apiRoot).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers a wrong token with 401 Unauthorized', async () => {
    const answer = await raw('/bot123:wrong/getMe', { method: 'POST' });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
  });

  it('answers an unknown method with 404 Not Found and treats method names case-insensitively', async () => {
    const unknown = await raw(`/bot${emulator.token}/sendTelepathy`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ ok: false, error_code: 404, description: 'Not Found' });

    const upper = await raw(`/bot${emulator.token}/GETME`);
    expect(upper.body).toMatchObject({ ok: true, result: { id: emulator.bot.id } });
    expect(emulator.calls({ method: 'getMe' })).toHaveLength(1);
  });

  it('answers with the same HTTP status as error_code, and grammY sees Telegram errors', async () => {
    const bot = createEmulatedBot(emulator);
    const error = await bot.api.sendMessage(42, 'hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(400);
    expect((error as GrammyError).description).toBe('Bad Request: chat not found');

    const answer = await raw(`/bot${emulator.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: 42, text: 'hi' }),
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ ok: false, error_code: 400, description: 'Bad Request: chat not found' });
  });

  it('answers 403 for a user who blocked the bot', async () => {
    const user = emulator.createUser();
    emulator.blockBot(user.id);
    const bot = createEmulatedBot(emulator);
    await expect(bot.api.sendMessage(user.id, 'hello')).rejects.toMatchObject({
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    expect(emulator.pendingUpdates().at(-1)).toMatchObject({
      my_chat_member: { new_chat_member: { status: 'kicked' } },
    });
  });
});

describe('request bodies', () => {
  it('reads urlencoded bodies, JSON-encoded fields in them, and query strings', async () => {
    const user = emulator.createUser();
    const keyboard = { inline_keyboard: [[{ text: 'Stop', callback_data: 'stop' }]] };
    const form = new URLSearchParams({
      chat_id: String(user.id),
      text: 'from a form',
      reply_markup: JSON.stringify(keyboard),
      entities: JSON.stringify([{ type: 'bold', offset: 0, length: 4 }]),
    });
    const answer = await raw(`/bot${emulator.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(answer.body).toMatchObject({
      ok: true,
      result: {
        text: 'from a form',
        entities: [{ type: 'bold', offset: 0, length: 4 }],
        reply_markup: keyboard,
      },
    });

    const viaQuery = await raw(
      `/bot${emulator.token}/sendMessage?chat_id=${user.id}&text=${encodeURIComponent('from a query')}`,
    );
    expect(viaQuery.body).toMatchObject({ ok: true, result: { text: 'from a query', message_id: 2 } });
  });

  it('reads multipart/form-data bodies', async () => {
    const user = emulator.createUser();
    const data = new FormData();
    data.set('chat_id', String(user.id));
    data.set('text', 'from multipart');
    data.set('reply_markup', JSON.stringify({ inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] }));
    const answer = await raw(`/bot${emulator.token}/sendMessage`, { method: 'POST', body: data });
    expect(answer.body).toMatchObject({
      ok: true,
      result: { text: 'from multipart', reply_markup: { inline_keyboard: [[{ text: 'A' }]] } },
    });
  });

  it('rejects malformed JSON bodies and malformed JSON fields with 400', async () => {
    const broken = await raw(`/bot${emulator.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"chat_id": 1, "text": ',
    });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ ok: false, error_code: 400 });
    expect(String(broken.body.description)).toMatch(/^Bad Request: /);

    const user = emulator.createUser();
    const badMarkup = await raw(`/bot${emulator.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ chat_id: String(user.id), text: 'x', reply_markup: '{not json' }),
    });
    expect(badMarkup.body).toEqual({
      ok: false,
      error_code: 400,
      description: "Bad Request: can't parse reply keyboard markup JSON object",
    });
    expect(emulator.visibleMessages(user.id)).toHaveLength(0);
  });

  it('answers a missing chat_id like Telegram', async () => {
    const answer = await raw(`/bot${emulator.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x' }),
    });
    expect(answer.body).toEqual({ ok: false, error_code: 400, description: 'Bad Request: chat_id is empty' });
  });
});

describe('lifecycle', () => {
  it('closes idempotently and refuses connections afterwards', async () => {
    const local = await startBotApiEmulator();
    const bot = createEmulatedBot(local);
    await bot.api.getMe();
    await Promise.all([local.close(), local.close()]);
    await local.close();
    await expect(bot.api.getMe()).rejects.toThrow();
  });

  it('listens on a given port', async () => {
    const probe = await startBotApiEmulator();
    const port = probe.port;
    await probe.close();
    const fixed = await startBotApiEmulator({ port, token: '42:fixed-port-token' });
    try {
      expect(fixed.apiRoot).toBe(`http://127.0.0.1:${port}`);
      expect(await createEmulatedBot(fixed).api.getMe()).toMatchObject({ id: 42 });
    } finally {
      await fixed.close();
    }
  });
});

describe('bot commands', () => {
  it('stores commands per scope and returns them', async () => {
    const bot = createEmulatedBot(emulator);
    await bot.api.setMyCommands([
      { command: 'model', description: 'Choose a model' },
      { command: 'usage', description: 'Token usage' },
    ]);
    expect(await bot.api.getMyCommands()).toEqual([
      { command: 'model', description: 'Choose a model' },
      { command: 'usage', description: 'Token usage' },
    ]);
    expect(await bot.api.getMyCommands({ scope: { type: 'all_group_chats' } })).toEqual([]);
    expect(emulator.myCommands().map((c) => c.command)).toEqual(['model', 'usage']);
    await expect(bot.api.setMyCommands([{ command: 'Bad Command', description: 'x' }])).rejects.toMatchObject(
      {
        error_code: 400,
      },
    );
  });
});

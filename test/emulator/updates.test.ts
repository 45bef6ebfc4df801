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
  emulator = await startBotApiEmulator();
  bot = createEmulatedBot(emulator);
});
afterEach(async () => {
  await emulator.close();
});

describe('long polling', () => {
  it('holds a getUpdates request until an update arrives, without spinning', async () => {
    const user = emulator.createUser();
    const polling = bot.api.getUpdates({ timeout: 10 });
    await emulator.waitFor(() => emulator.isLongPolling());
    emulator.userSends({ chat: user.id, text: 'wake up' });
    const updates = await polling;
    expect(updates.map((u) => u.message?.text)).toEqual(['wake up']);
    const calls = emulator.calls({ method: 'getUpdates' });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.durationMs).toBeGreaterThan(0);
  });

  it('answers an empty list when the timeout passes', async () => {
    const started = Date.now();
    const updates = await bot.api.getUpdates({ timeout: 0.3 });
    expect(updates).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(emulator.stats().byMethod.getUpdates?.calls).toBe(1);
  });

  it('confirms updates by offset, honours limit, and forgets with a negative offset', async () => {
    const user = emulator.createUser();
    for (const text of ['a', 'b', 'c', 'd']) emulator.userSends({ chat: user.id, text });
    const first = await bot.api.getUpdates({ limit: 2 });
    expect(first.map((u) => u.message?.text)).toEqual(['a', 'b']);
    // Without a new offset the same updates come again.
    expect((await bot.api.getUpdates({ limit: 2 })).map((u) => u.update_id)).toEqual(
      first.map((u) => u.update_id),
    );
    const next = await bot.api.getUpdates({ offset: first[1]!.update_id + 1 });
    expect(next.map((u) => u.message?.text)).toEqual(['c', 'd']);
    expect(emulator.pendingUpdates()).toHaveLength(2);
    const last = await bot.api.getUpdates({ offset: -1 });
    expect(last.map((u) => u.message?.text)).toEqual(['d']);
  });

  it('redelivers an already confirmed update with the same update_id', async () => {
    const user = emulator.createUser();
    emulator.userSends({ chat: user.id, text: 'once' });
    const [update] = await bot.api.getUpdates();
    const offset = update!.update_id + 1;
    expect(await bot.api.getUpdates({ offset })).toEqual([]);
    emulator.redeliverUpdate(update!.update_id);
    const again = await bot.api.getUpdates({ offset });
    expect(again).toEqual([update]);
    expect(await bot.api.getUpdates({ offset })).toEqual([]);
  });

  it('filters by allowed_updates and remembers the list for later calls', async () => {
    const user = emulator.createUser();
    expect(emulator.allowedUpdates()).toBeUndefined();
    await bot.api.getUpdates({ allowed_updates: ['callback_query', 'stopped_message_generation'] });
    expect(emulator.allowedUpdates()).toEqual(['callback_query', 'stopped_message_generation']);
    emulator.userSends({ chat: user.id, text: 'not delivered' });
    const raw = emulator.injectRawUpdate({
      stopped_message_generation: { chat: emulator.chat(user.id).chat, draft_id: 1 },
    });
    const updates = await bot.api.getUpdates();
    expect(updates).toEqual([raw]);

    // An empty list restores the default (everything but chat_member and reactions).
    await bot.api.getUpdates({ offset: raw.update_id + 1, allowed_updates: [] });
    emulator.userSends({ chat: user.id, text: 'delivered' });
    emulator.injectRawUpdate({ message_reaction: { chat: { id: user.id } } });
    expect((await bot.api.getUpdates()).map((u) => u.message?.text)).toEqual(['delivered']);
  });

  it('ends an older waiting getUpdates with 409 when a newer one arrives', async () => {
    const older = bot.api
      .getUpdates({ timeout: 10 })
      .catch((e: { error_code: number; description: string }) => e);
    await emulator.waitFor(() => emulator.isLongPolling());
    const newer = bot.api.getUpdates({ timeout: 0 });
    expect(await older).toMatchObject({ error_code: 409, description: DESCRIPTIONS.getUpdatesConflictOther });
    expect(await newer).toEqual([]);
  });

  it('answers 409 to getUpdates while a webhook is set', async () => {
    await bot.api.setWebhook('http://127.0.0.1:9/hook');
    await expect(bot.api.getUpdates()).rejects.toMatchObject({
      error_code: 409,
      description: DESCRIPTIONS.getUpdatesConflictWebhook,
    });
    await bot.api.deleteWebhook();
    expect(await bot.api.getUpdates()).toEqual([]);
  });
});

import type { Bot } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BotApiEmulator, createEmulatedBot, startBotApiEmulator } from '../../../src/emulator/index.js';
import { type HoldingReceiver, startHoldingReceiver } from './holding-receiver.js';

let emulator: BotApiEmulator;
let bot: Bot;
let receiver: HoldingReceiver;

beforeEach(async () => {
  emulator = await startBotApiEmulator({ webhookRetryDelayMs: 20, maxWebhookRetryDelayMs: 50 });
  bot = createEmulatedBot(emulator);
  receiver = await startHoldingReceiver();
});

afterEach(async () => {
  await emulator.close();
  await receiver.close();
});

/** Lets the emulator post whatever it would post now, so a test can see that it did not. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

const arrived = (count: number) =>
  emulator.waitFor(() => receiver.posts.length >= count, { message: `${count} posts arrived` });

const openOf = (chatId: number) => receiver.open().filter((post) => post.chatId === chatId);

describe('webhook delivery over several connections', () => {
  it('posts updates of different chats at once, up to max_connections and never more', async () => {
    const users = Array.from({ length: 5 }, () => emulator.createUser());
    await bot.api.setWebhook(receiver.url, { max_connections: 3 });
    for (const user of users) emulator.userSends({ chat: user.id, text: `from ${user.id}` });

    await arrived(3);
    await settle();
    expect(receiver.open()).toHaveLength(3);
    const info = await bot.api.getWebhookInfo();
    expect(info).toMatchObject({ max_connections: 3, pending_update_count: 5 });

    receiver.open()[0]?.answer(200);
    await arrived(4);
    receiver.autoAnswer = () => 200;
    for (const post of receiver.open()) post.answer(200);
    await emulator.waitFor(() => emulator.pendingUpdates().length === 0);
    expect(receiver.posts).toHaveLength(5);
    expect(new Set(receiver.posts.map((post) => post.chatId))).toEqual(new Set(users.map((u) => u.id)));
    expect(receiver.peak()).toBe(3);
  });

  it('never overlaps two updates of one chat and keeps their order, while other chats go on', async () => {
    const alice = emulator.createUser();
    const bob = emulator.createUser();
    await bot.api.setWebhook(receiver.url);
    for (const text of ['a1', 'a2', 'a3']) emulator.userSends({ chat: alice.id, text });
    emulator.userSends({ chat: bob.id, text: 'b1' });

    await arrived(2);
    await settle();
    expect(receiver.open().map((post) => post.text)).toEqual(['a1', 'b1']);

    // Bob's chat is free again while Alice's first update is still open.
    openOf(bob.id)[0]?.answer(200);
    emulator.userSends({ chat: bob.id, text: 'b2' });
    await emulator.waitFor(() => openOf(bob.id)[0]?.text === 'b2');
    expect(openOf(alice.id).map((post) => post.text)).toEqual(['a1']);

    receiver.autoAnswer = () => 200;
    for (const post of receiver.open()) post.answer(200);
    await emulator.waitFor(() => emulator.pendingUpdates().length === 0);
    const aliceSaw = receiver.posts.filter((post) => post.chatId === alice.id).map((post) => post.text);
    expect(aliceSaw).toEqual(['a1', 'a2', 'a3']);
    expect(receiver.peakPerChat()).toBe(1);
  });

  it("retries one chat's failed update without holding other chats, and reports the error", async () => {
    const alice = emulator.createUser();
    const bob = emulator.createUser();
    let aliceFails = true;
    receiver.autoAnswer = (post) => (post.chatId === alice.id && aliceFails ? 500 : 200);
    await bot.api.setWebhook(receiver.url);
    emulator.userSends({ chat: alice.id, text: 'a1' });
    emulator.userSends({ chat: alice.id, text: 'a2' });
    for (const text of ['b1', 'b2', 'b3']) emulator.userSends({ chat: bob.id, text });

    const aliceTries = () => receiver.posts.filter((post) => post.chatId === alice.id);
    await emulator.waitFor(
      () =>
        aliceTries().length >= 3 &&
        receiver.posts.filter((post) => post.chatId === bob.id && post.answered).length === 3,
    );
    // Only a1 was tried, again and again; a2 waits behind it.
    expect(new Set(aliceTries().map((post) => post.text))).toEqual(new Set(['a1']));
    const info = await bot.api.getWebhookInfo();
    expect(info.pending_update_count).toBe(2);
    expect(info.last_error_message).toMatch(/^Wrong response from the webhook: 500/);

    aliceFails = false;
    await emulator.waitFor(() => emulator.pendingUpdates().length === 0);
    const delivered = aliceTries().filter((post) => post.answered);
    expect(delivered.slice(-2).map((post) => post.text)).toEqual(['a1', 'a2']);
    expect(receiver.peakPerChat()).toBe(1);
  });

  it('with max_connections=1 delivers strictly one at a time in update order, even across chats', async () => {
    const users = [emulator.createUser(), emulator.createUser(), emulator.createUser()];
    let failFirst = true;
    receiver.autoAnswer = () => {
      if (!failFirst) return 200;
      failFirst = false;
      return 503;
    };
    await bot.api.setWebhook(receiver.url, { max_connections: 1 });
    for (let round = 0; round < 2; round++) {
      for (const user of users) emulator.userSends({ chat: user.id, text: `r${round}` });
    }
    const sent = emulator.pendingUpdates().map((update) => update.update_id);
    expect(sent).toHaveLength(6);
    await emulator.waitFor(() => emulator.pendingUpdates().length === 0);
    // The failed first update is retried before anything else is posted.
    expect(receiver.posts.map((post) => post.updateId)).toEqual([sent[0], ...sent]);
    expect(receiver.peak()).toBe(1);
  });

  it('deleteWebhook aborts every open delivery; setWebhook posts them again', async () => {
    const users = [emulator.createUser(), emulator.createUser()];
    await bot.api.setWebhook(receiver.url);
    for (const user of users) emulator.userSends({ chat: user.id, text: 'held' });
    await arrived(2);
    await bot.api.deleteWebhook();
    await emulator.waitFor(() => receiver.open().length === 0);
    expect(emulator.pendingUpdates()).toHaveLength(2);

    receiver.autoAnswer = () => 200;
    await bot.api.setWebhook(receiver.url);
    await emulator.waitFor(() => emulator.pendingUpdates().length === 0);
    expect(receiver.posts.filter((post) => post.answered)).toHaveLength(2);
  });

  it('keeps max_connections within 1-100 as Telegram does', async () => {
    await bot.api.setWebhook(receiver.url, { max_connections: 500 });
    expect((await bot.api.getWebhookInfo()).max_connections).toBe(100);
    await bot.api.setWebhook(receiver.url, { max_connections: 0 });
    expect((await bot.api.getWebhookInfo()).max_connections).toBe(1);
  });
});

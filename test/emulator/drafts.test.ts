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
  emulator = await startBotApiEmulator({ limits: 'none', draftTtlMs: 300 });
  bot = createEmulatedBot(emulator);
});
afterEach(async () => {
  await emulator.close();
});

describe('sendMessageDraft', () => {
  it('shows a placeholder, animates frames of one draft id, and vanishes when the bot sends the message', async () => {
    const user = emulator.createUser();
    expect(await bot.api.sendMessageDraft(user.id, 7, '')).toBe(true);
    expect(emulator.draft(user.id)).toMatchObject({ draftId: 7, text: '', frames: 1 });
    await bot.api.sendMessageDraft(user.id, 7, 'Hel');
    await bot.api.sendMessageDraft(user.id, 7, 'Hello there', {
      entities: [{ type: 'italic', offset: 6, length: 5 }],
    });
    expect(emulator.draft(user.id)).toMatchObject({
      text: 'Hello there',
      entities: [{ type: 'italic', offset: 6, length: 5 }],
      frames: 3,
    });
    await bot.api.sendMessage(user.id, 'Hello there, final');
    expect(emulator.draft(user.id)).toBeUndefined();
    expect(emulator.timeline(user.id).map((e) => e.type)).toEqual([
      'draft',
      'draft',
      'draft',
      'draft-cleared',
      'message',
    ]);
    expect(emulator.timeline(user.id, { type: 'draft-cleared' })).toMatchObject([
      { reason: 'message-sent', draftId: 7 },
    ]);
  });

  it('replaces a draft with another id without animation', async () => {
    const user = emulator.createUser();
    await bot.api.sendMessageDraft(user.id, 1, 'first');
    await bot.api.sendMessageDraft(user.id, 2, 'second');
    expect(emulator.timeline(user.id, { type: 'draft' })).toMatchObject([
      { draftId: 1, replaced: false, frame: 1 },
      { draftId: 2, replaced: true, frame: 1 },
    ]);
    expect(emulator.chat(user.id).drafts).toMatchObject([{ draftId: 2, text: 'second' }]);
  });

  it('expires a draft that is not updated for draftTtlMs', async () => {
    const user = emulator.createUser();
    await bot.api.sendMessageDraft(user.id, 5, 'thinking');
    const cleared = await emulator.waitFor(() => emulator.timeline(user.id, { type: 'draft-cleared' })[0], {
      timeoutMs: 5_000,
    });
    expect(cleared).toMatchObject({ draftId: 5, reason: 'expired' });
    expect(emulator.draft(user.id)).toBeUndefined();
  });

  it('refuses drafts outside private chats, with draft_id 0, and for unknown or blocked chats', async () => {
    const group = emulator.createGroup();
    const user = emulator.createUser();
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => 'ok',
        (e: { description: string }) => e.description,
      );
    expect(await failure(bot.api.sendMessageDraft(group.id, 1, 'x'))).toBe(DESCRIPTIONS.draftPeerInvalid);
    expect(await failure(bot.api.sendMessageDraft(user.id, 0, 'x'))).toBe(DESCRIPTIONS.draftIdInvalid);
    expect(await failure(bot.api.sendMessageDraft(user.id, 1, 'x'.repeat(4097)))).toBe(
      'Bad Request: message is too long',
    );
    expect(await failure(bot.api.sendMessageDraft(12345, 1, 'x'))).toBe('Bad Request: chat not found');
    emulator.blockBot(user.id);
    expect(await failure(bot.api.sendMessageDraft(user.id, 1, 'x'))).toBe(
      'Forbidden: bot was blocked by the user',
    );
  });
});

describe('stopping generation', () => {
  it('sends stopped_message_generation, removes the draft and ignores later frames of it', async () => {
    const user = emulator.createUser();
    await bot.api.sendMessageDraft(user.id, 9, 'Once upon', { can_stop: true });
    const update = emulator.stopGeneration({ chat: user.id, draftId: 9 });
    expect(update).toMatchObject({ stopped_message_generation: { chat: { id: user.id }, draft_id: 9 } });
    expect(update.stopped_message_generation).not.toHaveProperty('message_thread_id');
    expect(emulator.draft(user.id)).toBeUndefined();

    const [received] = await bot.api.getUpdates();
    expect(received?.stopped_message_generation).toEqual({ chat: emulator.chat(user.id).chat, draft_id: 9 });

    expect(await bot.api.sendMessageDraft(user.id, 9, 'Once upon a time', { can_stop: true })).toBe(true);
    expect(emulator.draft(user.id)).toBeUndefined();
    expect(emulator.timeline(user.id).map((e) => e.type)).toEqual(['draft', 'stop-pressed', 'draft-cleared']);
  });

  it('keeps the draft with keep_on_stop until the bot sends the message', async () => {
    const user = emulator.createUser();
    await bot.api.sendMessageDraft(user.id, 3, 'partial', { can_stop: true, keep_on_stop: true });
    emulator.stopGeneration({ chat: user.id, draftId: 3 });
    expect(emulator.draft(user.id)).toMatchObject({ text: 'partial', stopped: true });
    await bot.api.sendMessage(user.id, 'partial');
    expect(emulator.draft(user.id)).toBeUndefined();
  });

  it('refuses to press a stop button that is not showing, unless forced', async () => {
    const user = emulator.createUser();
    await bot.api.sendMessageDraft(user.id, 4, 'no stop button');
    expect(() => emulator.stopGeneration({ chat: user.id, draftId: 4 })).toThrow(/no stoppable draft/);
    expect(emulator.stopGeneration({ chat: user.id, draftId: 4, force: true })).toMatchObject({
      stopped_message_generation: { draft_id: 4 },
    });
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/storage/errors.js';
import type { Storage } from '../../src/storage/storage.js';
import { storeKinds, useTestStorage } from './test-stores.js';

let storage: Storage;
let clock: { now: number };
describe.each(storeKinds)('%s', (kind) => {
  const t = useTestStorage(kind);
  beforeEach(async () => {
    ({ storage, clock } = t);
  });

  describe('chat repository', () => {
    it('creates a chat with default settings', async () => {
      expect(await storage.chats.upsert({ id: -1001234567890, type: 'supergroup', title: 'Team' })).toEqual({
        id: -1001234567890,
        type: 'supergroup',
        title: 'Team',
        model: null,
        systemPrompt: null,
        showReasoning: true,
        showToolCalls: true,
        disabledToolSources: [],
        headMessageId: null,
        createdAt: clock.now,
        updatedAt: clock.now,
      });
      expect((await storage.chats.get(-1001234567890))?.title).toBe('Team');
      expect(await storage.chats.get(5)).toBeUndefined();
    });

    it('keeps the settings when the chat is upserted again', async () => {
      await storage.chats.upsert({ id: -5, type: 'group', title: 'Old' });
      await storage.chats.setModel(-5, 'anthropic:claude-sonnet-4-5');
      await storage.chats.setSystemPrompt(-5, 'Be brief.');
      await storage.chats.setShowReasoning(-5, false);
      clock.now += 10;
      const chat = await storage.chats.upsert({ id: -5, type: 'group', title: 'New' });
      expect(chat).toMatchObject({
        title: 'New',
        model: 'anthropic:claude-sonnet-4-5',
        systemPrompt: 'Be brief.',
        showReasoning: false,
        updatedAt: clock.now,
      });
    });

    it('sets and clears settings, reporting unknown chats', async () => {
      await storage.chats.upsert({ id: 7, type: 'private' });
      expect(await storage.chats.setModel(7, 'openai:gpt-5')).toBe(true);
      expect((await storage.chats.get(7))?.model).toBe('openai:gpt-5');
      expect(await storage.chats.setModel(7, null)).toBe(true);
      expect((await storage.chats.get(7))?.model).toBeNull();
      expect(await storage.chats.setSystemPrompt(7, null)).toBe(true);
      expect(await storage.chats.setShowReasoning(7, false)).toBe(true);
      expect((await storage.chats.get(7))?.showReasoning).toBe(false);
      expect(await storage.chats.setShowReasoning(7, true)).toBe(true);
      expect((await storage.chats.get(7))?.showReasoning).toBe(true);
      expect(await storage.chats.setModel(8, 'openai:gpt-5')).toBe(false);
    });

    it('stores the tool record setting and per-source switches', async () => {
      await storage.chats.upsert({ id: 7, type: 'private' });
      expect(await storage.chats.setShowToolCalls(7, false)).toBe(true);
      expect((await storage.chats.get(7))?.showToolCalls).toBe(false);
      expect(await storage.chats.setToolSourceEnabled(7, 'web', false)).toBe(true);
      expect(await storage.chats.setToolSourceEnabled(7, 'builtin', false)).toBe(true);
      // Switching off twice keeps one entry; quotes and the like are stored as they are.
      expect(await storage.chats.setToolSourceEnabled(7, 'web', false)).toBe(true);
      expect(await storage.chats.setToolSourceEnabled(7, 'o"dd', false)).toBe(true);
      expect((await storage.chats.get(7))?.disabledToolSources).toEqual(['builtin', 'o"dd', 'web']);
      expect(await storage.chats.setToolSourceEnabled(7, 'web', true)).toBe(true);
      expect(await storage.chats.setToolSourceEnabled(7, 'nothing', true)).toBe(true);
      expect((await storage.chats.get(7))?.disabledToolSources).toEqual(['builtin', 'o"dd']);
      expect((await storage.chats.get(7))?.showToolCalls).toBe(false);
      expect(await storage.chats.setToolSourceEnabled(8, 'web', false)).toBe(false);
    });

    it('switches of different sources pressed at once all count', async () => {
      await storage.chats.upsert({ id: 9, type: 'private' });
      const sources = ['a', 'b', 'c', 'd', 'e'];
      await Promise.all(sources.map((source) => storage.chats.setToolSourceEnabled(9, source, false)));
      expect((await storage.chats.get(9))?.disabledToolSources).toEqual(sources);
    });

    it('rejects junk the schema keeps out', async () => {
      await storage.chats.upsert({ id: 7, type: 'private' });
      await expect(storage.chats.setModel(7, 'gpt-5')).rejects.toThrow(StorageError); // no provider prefix
      await expect(storage.chats.upsert({ id: 8, type: 'bogus' as 'private' })).rejects.toThrow(
        expect.objectContaining({ kind: 'constraint' }),
      );
    });

    it('moves the head, clears it for /new, and refuses a message of another chat', async () => {
      await storage.chats.upsert({ id: 1, type: 'private' });
      await storage.chats.upsert({ id: 2, type: 'private' });
      const inChat2 = await storage.messages.insertUserMessage({
        chatId: 2,
        userId: null,
        parentId: null,
        content: 'hi',
        telegramMessageIds: [1],
      });
      const inChat1 = await storage.messages.insertUserMessage({
        chatId: 1,
        userId: null,
        parentId: null,
        content: 'hi',
        telegramMessageIds: [1],
      });
      expect(await storage.chats.setHead(1, inChat1)).toBe(true);
      expect((await storage.chats.get(1))?.headMessageId).toBe(inChat1);
      await expect(storage.chats.setHead(1, inChat2)).rejects.toThrow(
        expect.objectContaining({ kind: 'constraint' }),
      );
      await expect(storage.chats.setHead(1, 999)).rejects.toThrow(StorageError); // no such message
      expect(await storage.chats.setHead(1, null)).toBe(true);
      expect((await storage.chats.get(1))?.headMessageId).toBeNull();
    });
  });
});

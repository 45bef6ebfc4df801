import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/storage/errors.js';
import type { Storage } from '../../src/storage/storage.js';
import { createTempWorkspace, createTestStorage, type TempWorkspace } from './temp-database.js';

let ws: TempWorkspace;
let storage: Storage;
let clock: { now: number };
beforeEach(() => {
  ws = createTempWorkspace();
  ({ storage, clock } = createTestStorage(ws));
});
afterEach(() => ws.cleanup());

describe('chat repository', () => {
  it('creates a chat with default settings', () => {
    expect(storage.chats.upsert({ id: -1001234567890, type: 'supergroup', title: 'Team' })).toEqual({
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
    expect(storage.chats.get(-1001234567890)?.title).toBe('Team');
    expect(storage.chats.get(5)).toBeUndefined();
  });

  it('keeps the settings when the chat is upserted again', () => {
    storage.chats.upsert({ id: -5, type: 'group', title: 'Old' });
    storage.chats.setModel(-5, 'anthropic:claude-sonnet-4-5');
    storage.chats.setSystemPrompt(-5, 'Be brief.');
    storage.chats.setShowReasoning(-5, false);
    clock.now += 10;
    const chat = storage.chats.upsert({ id: -5, type: 'group', title: 'New' });
    expect(chat).toMatchObject({
      title: 'New',
      model: 'anthropic:claude-sonnet-4-5',
      systemPrompt: 'Be brief.',
      showReasoning: false,
      updatedAt: clock.now,
    });
  });

  it('sets and clears settings, reporting unknown chats', () => {
    storage.chats.upsert({ id: 7, type: 'private' });
    expect(storage.chats.setModel(7, 'openai:gpt-5')).toBe(true);
    expect(storage.chats.get(7)?.model).toBe('openai:gpt-5');
    expect(storage.chats.setModel(7, null)).toBe(true);
    expect(storage.chats.get(7)?.model).toBeNull();
    expect(storage.chats.setSystemPrompt(7, null)).toBe(true);
    expect(storage.chats.setShowReasoning(7, false)).toBe(true);
    expect(storage.chats.get(7)?.showReasoning).toBe(false);
    expect(storage.chats.setShowReasoning(7, true)).toBe(true);
    expect(storage.chats.get(7)?.showReasoning).toBe(true);
    expect(storage.chats.setModel(8, 'openai:gpt-5')).toBe(false);
  });

  it('stores the tool record setting and per-source switches', () => {
    storage.chats.upsert({ id: 7, type: 'private' });
    expect(storage.chats.setShowToolCalls(7, false)).toBe(true);
    expect(storage.chats.get(7)?.showToolCalls).toBe(false);
    expect(storage.chats.setToolSourceEnabled(7, 'web', false)).toBe(true);
    expect(storage.chats.setToolSourceEnabled(7, 'builtin', false)).toBe(true);
    // Switching off twice keeps one entry; quotes and the like are stored as they are.
    expect(storage.chats.setToolSourceEnabled(7, 'web', false)).toBe(true);
    expect(storage.chats.setToolSourceEnabled(7, 'o"dd', false)).toBe(true);
    expect(storage.chats.get(7)?.disabledToolSources).toEqual(['builtin', 'o"dd', 'web']);
    expect(storage.chats.setToolSourceEnabled(7, 'web', true)).toBe(true);
    expect(storage.chats.setToolSourceEnabled(7, 'nothing', true)).toBe(true);
    expect(storage.chats.get(7)?.disabledToolSources).toEqual(['builtin', 'o"dd']);
    expect(storage.chats.get(7)?.showToolCalls).toBe(false);
    expect(storage.chats.setToolSourceEnabled(8, 'web', false)).toBe(false);
  });

  it('rejects junk the schema keeps out', () => {
    storage.chats.upsert({ id: 7, type: 'private' });
    expect(() => storage.chats.setModel(7, 'gpt-5')).toThrow(StorageError); // no provider prefix
    expect(() => storage.chats.upsert({ id: 8, type: 'bogus' as 'private' })).toThrow(
      expect.objectContaining({ kind: 'constraint' }),
    );
  });

  it('moves the head, clears it for /new, and refuses a message of another chat', () => {
    storage.chats.upsert({ id: 1, type: 'private' });
    storage.chats.upsert({ id: 2, type: 'private' });
    const inChat2 = storage.messages.insertUserMessage({
      chatId: 2,
      userId: null,
      parentId: null,
      content: 'hi',
      telegramMessageIds: [1],
    });
    const inChat1 = storage.messages.insertUserMessage({
      chatId: 1,
      userId: null,
      parentId: null,
      content: 'hi',
      telegramMessageIds: [1],
    });
    expect(storage.chats.setHead(1, inChat1)).toBe(true);
    expect(storage.chats.get(1)?.headMessageId).toBe(inChat1);
    expect(() => storage.chats.setHead(1, inChat2)).toThrow(expect.objectContaining({ kind: 'constraint' }));
    expect(() => storage.chats.setHead(1, 999)).toThrow(StorageError); // no such message
    expect(storage.chats.setHead(1, null)).toBe(true);
    expect(storage.chats.get(1)?.headMessageId).toBeNull();
  });
});

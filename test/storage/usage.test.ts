import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Usage } from '../../src/providers/types.js';
import type { Storage } from '../../src/storage/storage.js';
import { createTempWorkspace, createTestStorage, type TempWorkspace } from './temp-database.js';

let ws: TempWorkspace;
let storage: Storage;
let clock: { now: number };
const chatId = 10;
const alice = 1;
const bob = 2;

beforeEach(() => {
  ws = createTempWorkspace();
  ({ storage, clock } = createTestStorage(ws));
  storage.chats.upsert({ id: chatId, type: 'group', title: 'G' });
  storage.users.upsert({ id: alice, username: 'alice', firstName: 'Alice' });
  storage.users.upsert({ id: bob, username: 'bob', firstName: 'Bob' });
});
afterEach(() => ws.cleanup());

function record(userId: number, provider: string, model: string, usage: Usage | undefined, at = clock.now) {
  return storage.usage.record({ userId, chatId, provider, model, usage, at });
}

function rawRow(id: number) {
  return storage.db.prepare('SELECT * FROM usage WHERE id = ?').get(id);
}

describe('usage repository', () => {
  it('stores what the provider reported, NULL for what it did not', () => {
    const message = storage.messages.startAssistantMessage({
      chatId,
      userId: alice,
      parentId: null,
      model: 'openai:gpt-5',
    });
    const id = storage.usage.record({
      userId: alice,
      chatId,
      messageId: message,
      provider: 'openai',
      model: 'gpt-5',
      usage: { inputTokens: 100, outputTokens: 50, cachedInputTokens: 0 },
      at: 123,
    });
    expect(rawRow(id)).toEqual({
      id,
      user_id: alice,
      chat_id: chatId,
      message_id: message,
      provider: 'openai',
      model: 'gpt-5',
      input_tokens: 100,
      cached_input_tokens: 0, // reported as 0: kept as 0
      cache_write_tokens: null,
      output_tokens: 50,
      reasoning_tokens: null,
      created_at: 123,
    });
  });

  it('records a request without a usage report as a row of NULLs, never zeros', () => {
    const id = record(alice, 'compat', 'llama', undefined);
    expect(rawRow(id)).toMatchObject({
      input_tokens: null,
      cached_input_tokens: null,
      cache_write_tokens: null,
      output_tokens: null,
      reasoning_tokens: null,
    });
    const [totals] = storage.usage.totalsByModel(alice);
    expect(totals).toEqual({
      provider: 'compat',
      model: 'llama',
      requests: 1,
      unreportedRequests: 1,
      inputTokens: null,
      cachedInputTokens: null,
      cacheWriteTokens: null,
      outputTokens: null,
      reasoningTokens: null,
    });
    expect(storage.usage.totalsForPeriod(alice, 0)).toEqual({
      tokens: 0,
      requests: 1,
      unreportedRequests: 1,
    });
  });

  it('sums totals by model, leaving a detail null when no request reported it', () => {
    record(alice, 'openai', 'gpt-5', {
      inputTokens: 100,
      outputTokens: 10,
      reasoningTokens: 4,
      cachedInputTokens: 20,
    });
    record(alice, 'openai', 'gpt-5', { inputTokens: 200, outputTokens: 20 });
    record(alice, 'openai', 'gpt-5', undefined);
    record(alice, 'anthropic', 'claude-sonnet-4-5', {
      inputTokens: 1000,
      outputTokens: 300,
      cacheWriteTokens: 900,
    });
    record(bob, 'openai', 'gpt-5', { inputTokens: 5, outputTokens: 5 });

    expect(storage.usage.totalsByModel(alice)).toEqual([
      {
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        requests: 1,
        unreportedRequests: 0,
        inputTokens: 1000,
        cachedInputTokens: null,
        cacheWriteTokens: 900,
        outputTokens: 300,
        reasoningTokens: null,
      },
      {
        provider: 'openai',
        model: 'gpt-5',
        requests: 3,
        unreportedRequests: 1,
        inputTokens: 300,
        cachedInputTokens: 20,
        cacheWriteTokens: null,
        outputTokens: 30,
        reasoningTokens: 4,
      },
    ]);
  });

  it('limits totals to a period', () => {
    const day = 86_400_000;
    const start = clock.now;
    record(alice, 'openai', 'gpt-5', { inputTokens: 1000, outputTokens: 1000 }, start - 2 * day);
    record(alice, 'openai', 'gpt-5', { inputTokens: 10, outputTokens: 5 }, start);
    record(alice, 'openai', 'gpt-5', { inputTokens: 1, outputTokens: 1 }, start + 1);
    record(bob, 'openai', 'gpt-5', { inputTokens: 7, outputTokens: 7 }, start);

    expect(storage.usage.totalsForPeriod(alice, start)).toEqual({
      tokens: 17,
      requests: 2,
      unreportedRequests: 0,
    });
    expect(storage.usage.totalsForPeriod(alice, start - 3 * day).tokens).toBe(2017);
    expect(storage.usage.totalsForPeriod(alice, start + day)).toEqual({
      tokens: 0,
      requests: 0,
      unreportedRequests: 0,
    });
    expect(storage.usage.totalsByModel(alice, start)[0]).toMatchObject({
      requests: 2,
      inputTokens: 11,
      outputTokens: 6,
    });
    expect(storage.usage.totalsByModel(alice)[0]).toMatchObject({ requests: 3, inputTokens: 1011 });
  });

  it('gives an admin everyone’s totals and the top users', () => {
    const start = clock.now;
    record(alice, 'openai', 'gpt-5', { inputTokens: 100, outputTokens: 100 }, start - 1000);
    record(alice, 'openai', 'gpt-5', { inputTokens: 10, outputTokens: 10 }, start);
    record(bob, 'anthropic', 'claude', { inputTokens: 50, outputTokens: 50 }, start);
    record(bob, 'anthropic', 'claude', undefined, start);

    const all = storage.usage.allUsersTotals();
    expect(all).toMatchObject({ activeUsers: 2, requests: 4, tokens: 320, unreportedRequests: 1 });
    expect(all.byModel.map((m) => [m.provider, m.model, m.requests])).toEqual([
      ['openai', 'gpt-5', 2],
      ['anthropic', 'claude', 2],
    ]);

    const recent = storage.usage.allUsersTotals(start);
    expect(recent).toMatchObject({ activeUsers: 2, requests: 3, tokens: 120 });

    expect(storage.usage.topUsers(start, 10)).toEqual([
      { userId: bob, username: 'bob', firstName: 'Bob', tokens: 100, requests: 2, unreportedRequests: 1 },
      {
        userId: alice,
        username: 'alice',
        firstName: 'Alice',
        tokens: 20,
        requests: 1,
        unreportedRequests: 0,
      },
    ]);
    expect(storage.usage.topUsers(undefined, 1).map((u) => u.userId)).toEqual([alice]);
    expect(storage.usage.allUsersTotals(start + 10_000)).toEqual({
      activeUsers: 0,
      requests: 0,
      tokens: 0,
      unreportedRequests: 0,
      byModel: [],
    });
  });

  it('keeps usage when the message it belongs to is deleted', () => {
    const message = storage.messages.startAssistantMessage({
      chatId,
      userId: alice,
      parentId: null,
      model: 'openai:gpt-5',
    });
    const id = storage.usage.record({
      userId: alice,
      chatId,
      messageId: message,
      provider: 'openai',
      model: 'gpt-5',
      usage: { inputTokens: 1, outputTokens: 1 },
    });
    storage.db.prepare('DELETE FROM messages WHERE id = ?').run(message);
    expect(rawRow(id)).toMatchObject({ message_id: null, input_tokens: 1 });
  });

  it('rejects usage for an unknown user or negative counts', () => {
    expect(() => record(999, 'openai', 'gpt-5', { inputTokens: 1, outputTokens: 1 })).toThrow(
      expect.objectContaining({ kind: 'constraint', operation: 'usage.record' }),
    );
    expect(() => record(alice, 'openai', 'gpt-5', { inputTokens: -1, outputTokens: 1 })).toThrow(
      expect.objectContaining({ kind: 'constraint' }),
    );
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

describe('user repository', () => {
  it('creates a user and returns it in camelCase', () => {
    const user = storage.users.upsert({ id: 1001, username: '@Alice_B', firstName: 'Alice' });
    expect(user).toEqual({
      id: 1001,
      username: 'Alice_B',
      firstName: 'Alice',
      createdAt: clock.now,
      updatedAt: clock.now,
    });
    expect(storage.users.get(1001)).toEqual(user);
    expect(storage.users.get(9)).toBeUndefined();
  });

  it('replaces the profile with what Telegram sends now and keeps created_at', () => {
    const created = clock.now;
    storage.users.upsert({ id: 1, username: 'old', firstName: 'A' });
    clock.now += 1000;
    const updated = storage.users.upsert({ id: 1, firstName: 'B' });
    expect(updated).toMatchObject({
      username: null,
      firstName: 'B',
      createdAt: created,
      updatedAt: clock.now,
    });
  });

  it('does not rewrite an unchanged profile', () => {
    const first = storage.users.upsert({ id: 1, username: 'same', firstName: 'A' });
    clock.now += 1000;
    expect(storage.users.upsert({ id: 1, username: 'same', firstName: 'A' }).updatedAt).toBe(first.updatedAt);
    // A change of case is a change.
    expect(storage.users.upsert({ id: 1, username: 'Same', firstName: 'A' })).toMatchObject({
      username: 'Same',
      updatedAt: clock.now,
    });
  });

  it('finds a user by username, case-insensitively, with or without @', () => {
    storage.users.upsert({ id: 1, username: 'Alice' });
    storage.users.upsert({ id: 2, username: 'bob' });
    expect(storage.users.findByUsername('alice')?.id).toBe(1);
    expect(storage.users.findByUsername('@ALICE')?.id).toBe(1);
    expect(storage.users.findByUsername('@Bob')?.id).toBe(2);
    expect(storage.users.findByUsername('carol')).toBeUndefined();
    expect(storage.users.findByUsername('@')).toBeUndefined();
  });

  it('finds the most recent holder of a username that changed hands', () => {
    storage.users.upsert({ id: 1, username: 'handle' });
    clock.now += 1000;
    storage.users.upsert({ id: 2, username: 'handle' });
    expect(storage.users.findByUsername('handle')?.id).toBe(2);
  });
});

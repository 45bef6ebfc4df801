import { beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/storage.js';
import { storeKinds, useTestStorage } from './test-stores.js';

let storage: Storage;
let clock: { now: number };
describe.each(storeKinds)('%s', (kind) => {
  const t = useTestStorage(kind);
  beforeEach(async () => {
    ({ storage, clock } = t);
  });

  describe('user repository', () => {
    it('creates a user and returns it in camelCase', async () => {
      const user = await storage.users.upsert({ id: 1001, username: '@Alice_B', firstName: 'Alice' });
      expect(user).toEqual({
        id: 1001,
        username: 'Alice_B',
        firstName: 'Alice',
        createdAt: clock.now,
        updatedAt: clock.now,
      });
      expect(await storage.users.get(1001)).toEqual(user);
      expect(await storage.users.get(9)).toBeUndefined();
    });

    it('replaces the profile with what Telegram sends now and keeps created_at', async () => {
      const created = clock.now;
      await storage.users.upsert({ id: 1, username: 'old', firstName: 'A' });
      clock.now += 1000;
      const updated = await storage.users.upsert({ id: 1, firstName: 'B' });
      expect(updated).toMatchObject({
        username: null,
        firstName: 'B',
        createdAt: created,
        updatedAt: clock.now,
      });
    });

    it('does not rewrite an unchanged profile', async () => {
      const first = await storage.users.upsert({ id: 1, username: 'same', firstName: 'A' });
      clock.now += 1000;
      expect((await storage.users.upsert({ id: 1, username: 'same', firstName: 'A' })).updatedAt).toBe(
        first.updatedAt,
      );
      // A change of case is a change.
      expect(await storage.users.upsert({ id: 1, username: 'Same', firstName: 'A' })).toMatchObject({
        username: 'Same',
        updatedAt: clock.now,
      });
    });

    it('finds a user by username, case-insensitively, with or without @', async () => {
      await storage.users.upsert({ id: 1, username: 'Alice' });
      await storage.users.upsert({ id: 2, username: 'bob' });
      expect((await storage.users.findByUsername('alice'))?.id).toBe(1);
      expect((await storage.users.findByUsername('@ALICE'))?.id).toBe(1);
      expect((await storage.users.findByUsername('@Bob'))?.id).toBe(2);
      expect(await storage.users.findByUsername('carol')).toBeUndefined();
      expect(await storage.users.findByUsername('@')).toBeUndefined();
    });

    it('finds the most recent holder of a username that changed hands', async () => {
      await storage.users.upsert({ id: 1, username: 'handle' });
      clock.now += 1000;
      await storage.users.upsert({ id: 2, username: 'handle' });
      expect((await storage.users.findByUsername('handle'))?.id).toBe(2);
    });
  });
});

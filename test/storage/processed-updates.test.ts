import { beforeEach, describe, expect, it } from 'vitest';
import { createProcessedUpdates } from '../../src/storage/processed-updates.js';
import type { Storage } from '../../src/storage/storage.js';
import { storeKinds, useTestStorage } from './test-stores.js';

let storage: Storage;
let clock: { now: number };
describe.each(storeKinds)('%s', (kind) => {
  const t = useTestStorage(kind);
  beforeEach(async () => {
    ({ storage, clock } = t);
  });

  describe('processed updates', () => {
    it('tells a new update from a redelivered one', async () => {
      expect(await storage.processedUpdates.markProcessed(500)).toBe(true);
      expect(await storage.processedUpdates.markProcessed(501)).toBe(true);
      expect(await storage.processedUpdates.markProcessed(500)).toBe(false);
    });

    it('survives a restart', async () => {
      await storage.processedUpdates.markProcessed(42);
      // A new process: new repositories over the same database.
      expect(await createProcessedUpdates(t.sql).markProcessed(42)).toBe(false);
      expect(await t.sql.all('SELECT update_id FROM processed_updates')).toEqual([{ update_id: 42 }]);
    });

    it('prunes entries processed before the cutoff', async () => {
      await storage.processedUpdates.markProcessed(1);
      clock.now += 1000;
      await storage.processedUpdates.markProcessed(2);
      await storage.processedUpdates.markProcessed(3, clock.now + 5);
      expect(await storage.processedUpdates.prune(clock.now)).toBe(1);
      expect(await storage.processedUpdates.markProcessed(1)).toBe(true); // forgotten
      expect(await storage.processedUpdates.markProcessed(2)).toBe(false);
      expect(await storage.processedUpdates.markProcessed(3)).toBe(false);
    });
  });
});

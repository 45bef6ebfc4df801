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

describe('processed updates', () => {
  it('tells a new update from a redelivered one', () => {
    expect(storage.processedUpdates.markProcessed(500)).toBe(true);
    expect(storage.processedUpdates.markProcessed(501)).toBe(true);
    expect(storage.processedUpdates.markProcessed(500)).toBe(false);
  });

  it('survives a restart', () => {
    storage.processedUpdates.markProcessed(42);
    storage.db.close();
    const reopened = ws.open('test.db');
    expect(reopened.prepare('SELECT update_id FROM processed_updates').all()).toEqual([{ update_id: 42 }]);
  });

  it('prunes entries processed before the cutoff', () => {
    storage.processedUpdates.markProcessed(1);
    clock.now += 1000;
    storage.processedUpdates.markProcessed(2);
    storage.processedUpdates.markProcessed(3, clock.now + 5);
    expect(storage.processedUpdates.prune(clock.now)).toBe(1);
    expect(storage.processedUpdates.markProcessed(1)).toBe(true); // forgotten
    expect(storage.processedUpdates.markProcessed(2)).toBe(false);
    expect(storage.processedUpdates.markProcessed(3)).toBe(false);
  });
});

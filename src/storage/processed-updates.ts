import type { Database } from 'better-sqlite3';
import { withStorageErrors } from './errors.js';

export interface ProcessedUpdates {
  /** Records the update; true when it was new, false for a redelivery already handled. */
  markProcessed(updateId: number, at?: number): boolean;
  /**
   * Forgets updates processed before `olderThanMs`, an epoch-ms cutoff (e.g. now - 7 days; Telegram
   * redelivers for at most 24 hours). Returns how many were removed.
   */
  prune(olderThanMs: number): number;
}

export function createProcessedUpdates(db: Database, options: { now?: () => number } = {}): ProcessedUpdates {
  const now = options.now ?? Date.now;
  const insert = db.prepare<[number, number]>(
    'INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?) ON CONFLICT (update_id) DO NOTHING',
  );
  const prune = db.prepare<[number]>('DELETE FROM processed_updates WHERE processed_at < ?');
  return {
    markProcessed(updateId, at) {
      return withStorageErrors(
        'processedUpdates.markProcessed',
        () => insert.run(updateId, at ?? now()).changes > 0,
      );
    },
    prune(olderThanMs) {
      return withStorageErrors('processedUpdates.prune', () => prune.run(olderThanMs).changes);
    },
  };
}

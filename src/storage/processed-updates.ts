import { storageCall } from './errors.js';
import type { SqlExecutor } from './sql.js';

export interface ProcessedUpdates {
  /** Records the update; true when it was new, false for a redelivery already handled. */
  markProcessed(updateId: number, at?: number): Promise<boolean>;
  /**
   * Forgets updates processed before `olderThanMs`, an epoch-ms cutoff (e.g. now - 7 days; Telegram
   * redelivers for at most 24 hours). Returns how many were removed.
   */
  prune(olderThanMs: number): Promise<number>;
}

export function createProcessedUpdates(
  sql: SqlExecutor,
  options: { now?: () => number } = {},
): ProcessedUpdates {
  const now = options.now ?? Date.now;
  const insert =
    'INSERT INTO processed_updates (update_id, processed_at) VALUES ($1, $2) ON CONFLICT (update_id) DO NOTHING';
  const prune = 'DELETE FROM processed_updates WHERE processed_at < $1';
  return {
    markProcessed(updateId, at) {
      return storageCall(
        'processedUpdates.markProcessed',
        async () => (await sql.run(insert, [updateId, at ?? now()])) > 0,
      );
    },
    prune(olderThanMs) {
      return storageCall('processedUpdates.prune', () => sql.run(prune, [olderThanMs]));
    },
  };
}

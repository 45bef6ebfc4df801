import type { Database } from 'better-sqlite3';
import { withStorageErrors } from './errors.js';

/**
 * Runs `fn` in one write transaction: everything it wrote is committed together, or nothing is (any
 * throw rolls back and is rethrown; SQLite failures as `StorageError`). Nested calls become savepoints.
 * `fn` must be synchronous: the repositories are, and an `await` inside would commit early.
 *
 * BEGIN IMMEDIATE takes the write lock up front, so a second connection waits for the busy timeout
 * instead of failing halfway with SQLITE_BUSY when a read turns into a write.
 */
export function runInTransaction<T>(db: Database, fn: () => T, operation = 'transaction'): T {
  return withStorageErrors(operation, () =>
    db
      .transaction(() => {
        const result = fn();
        // Thrown inside, so the transaction rolls back instead of committing a half-done async body.
        if (result instanceof Promise) throw new TypeError(`${operation}: the function must be synchronous`);
        return result;
      })
      .immediate(),
  );
}

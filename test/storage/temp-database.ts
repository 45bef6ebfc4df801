import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { type OpenDatabaseOptions, openDatabase } from '../../src/storage/open-database.js';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { createStorage, type Storage } from '../../src/storage/storage.js';

/** A temp folder that the test's `cleanup()` removes with everything opened in it. */
export interface TempWorkspace {
  dir: string;
  /** Opens (and migrates) a database file in the folder; closed by `cleanup()`. */
  open(name?: string, options?: OpenDatabaseOptions): Database;
  /** Tracks a connection opened some other way, so `cleanup()` closes it. */
  track<T extends Database>(db: T): T;
  cleanup(): void;
}

export function createTempWorkspace(): TempWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'streamgram-storage-'));
  const opened: Database[] = [];
  return {
    dir,
    open(name = 'test.db', options = {}) {
      const db = openDatabase(join(dir, name), options);
      opened.push(db);
      return db;
    },
    track(db) {
      opened.push(db);
      return db;
    },
    cleanup() {
      for (const db of opened) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A migrated database with a controllable clock, plus a chat and a user to hang rows on. */
export function createTestStorage(workspace: TempWorkspace): { storage: Storage; clock: { now: number } } {
  const clock = { now: 1_700_000_000_000 };
  const storage = createStorage(createSqliteStore(workspace.open()), { now: () => clock.now });
  return { storage, clock };
}

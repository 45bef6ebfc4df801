import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { withStorageErrors } from './errors.js';
import { type MigrateResult, migrate } from './migrate.js';

export interface OpenDatabaseOptions {
  /**
   * Folder of `NNN_name.sql` files. Defaults to the repository's `migrations/sqlite/`, found two levels up
   * from this module: `src/storage/` under tsx and `dist/storage/` when built (the image copies
   * `migrations/` beside `dist/`).
   */
  migrationsDir?: string;
  /** How long a write waits for another connection's lock before failing as `busy`; default 5000 ms. */
  busyTimeoutMs?: number;
  /** Clock for `schema_migrations.applied_at`; defaults to `Date.now`. */
  now?: () => number;
  /** Told which migrations were applied, e.g. to log them. */
  onMigrated?: (result: MigrateResult) => void;
}

export const defaultMigrationsDir = fileURLToPath(new URL('../../migrations/sqlite/', import.meta.url));

/**
 * Opens (creating if needed) the SQLite database at `path`, configures it and brings its schema up to
 * date. `:memory:` works too (without WAL). The caller owns the connection and closes it on shutdown.
 *
 * Throws `StorageError` when the file or its folder cannot be created or written,
 * `DatabaseVersionError` for a database from a newer Streamgram, `MigrationError` for a bad migration.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory)
    withStorageErrors(`create folder for ${path}`, () => mkdirSync(dirname(path), { recursive: true }));
  const db = withStorageErrors(`open ${path}`, () => new BetterSqlite3(path));
  try {
    withStorageErrors(`configure ${path}`, () => {
      // First, so switching to WAL waits for another process that has the file open.
      db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
      // Readers never block the writer and a commit is one append: right for one process streaming.
      db.pragma('journal_mode = WAL');
      // Durable against a process crash; a power cut may lose the last commits, never corrupt the file.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
    });
    const result = migrate(db, {
      migrationsDir: options.migrationsDir ?? defaultMigrationsDir,
      ...(options.now ? { now: options.now } : {}),
    });
    options.onMigrated?.(result);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

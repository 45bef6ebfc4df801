import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { classifySqliteError, DatabaseVersionError, MigrationError, withStorageErrors } from './errors.js';

export interface MigrationFile {
  /** 1 for `001_init.sql`. */
  version: number;
  /** `init` for `001_init.sql`. */
  name: string;
  /** The file name, e.g. `001_init.sql`. */
  file: string;
  path: string;
}

export interface MigrateOptions {
  migrationsDir: string;
  /** Clock for `schema_migrations.applied_at`; defaults to `Date.now`. */
  now?: () => number;
}

export interface MigrateResult {
  /** The schema version after migrating (0 for an empty migrations folder and a new database). */
  version: number;
  /** The migrations applied by this call, in order; empty when the database was up to date. */
  applied: MigrationFile[];
}

// NNN_name.sql: at least three digits, then a name of letters, digits, `_` or `-`.
const migrationFileName = /^(\d{3,})_([A-Za-z0-9][A-Za-z0-9_-]*)\.sql$/;

/**
 * Lists the migrations of a folder in version order. Every `.sql` file must be named `NNN_name.sql`,
 * versions must start at 1 and have no gaps or duplicates; other files (a README) are ignored.
 */
export function readMigrations(migrationsDir: string): MigrationFile[] {
  let entries: string[];
  try {
    if (!statSync(migrationsDir).isDirectory()) throw new Error('not a folder');
    entries = readdirSync(migrationsDir);
  } catch (err) {
    throw new MigrationError('missing-folder', `Migrations folder ${migrationsDir} cannot be read`, {
      migrationsDir,
      cause: err,
    });
  }
  const migrations: MigrationFile[] = [];
  for (const file of entries) {
    if (!file.toLowerCase().endsWith('.sql')) continue;
    const match = migrationFileName.exec(file);
    if (!match) {
      throw new MigrationError(
        'bad-file-name',
        `Migration file ${file} is not named NNN_name.sql (three or more digits, an underscore, a name)`,
        { file, migrationsDir },
      );
    }
    migrations.push({ version: Number(match[1]), name: match[2]!, file, path: join(migrationsDir, file) });
  }
  migrations.sort((a, b) => a.version - b.version);
  for (const [index, migration] of migrations.entries()) {
    const expected = index + 1;
    if (migration.version === expected) continue;
    const previous = migrations[index - 1];
    if (previous && previous.version === migration.version) {
      throw new MigrationError(
        'duplicate-version',
        `Migrations ${previous.file} and ${migration.file} share version ${migration.version}`,
        { file: migration.file, version: migration.version, migrationsDir },
      );
    }
    throw new MigrationError(
      'gap',
      `Migration ${migration.file} has version ${migration.version} but version ${expected} is missing`,
      { file: migration.file, version: migration.version, migrationsDir },
    );
  }
  return migrations;
}

/** The highest applied migration version, or 0 for a database never migrated. */
export function schemaVersion(db: Database): number {
  // Read without creating the table, so a read-only database can still be checked.
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (table === undefined) return 0;
  const row = db
    .prepare<[], { version: number | null }>('SELECT max(version) AS version FROM schema_migrations')
    .get();
  return row?.version ?? 0;
}

/**
 * Applies the pending migrations of `migrationsDir` in version order, each exactly once and in its
 * own transaction, recording it in `schema_migrations (version, name, applied_at)`.
 *
 * Migrations run with foreign keys off, so a migration may rebuild a table the SQLite way
 * (create new, copy, drop, rename); `PRAGMA foreign_key_check` must pass before each one commits.
 * A migration file must not contain BEGIN/COMMIT.
 *
 * Throws `DatabaseVersionError` when the database is newer than the newest file, `MigrationError`
 * for a bad folder or a failed migration (rolled back completely, naming its file), and
 * `StorageError` when the database cannot be written at all.
 */
export function migrate(db: Database, options: MigrateOptions): MigrateResult {
  const now = options.now ?? Date.now;
  const migrations = readMigrations(options.migrationsDir);
  const known = migrations.at(-1)?.version ?? 0;

  const current = withStorageErrors('migrate', () => schemaVersion(db));
  if (current > known) throw new DatabaseVersionError(db.name, current, known);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return { version: current, applied: [] };

  // PRAGMA foreign_keys is a no-op inside a transaction, so it is switched around them.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
  if (foreignKeys) db.pragma('foreign_keys = OFF');
  const applied: MigrationFile[] = [];
  try {
    for (const migration of pending) {
      if (applyOne(db, migration, now)) applied.push(migration);
    }
  } finally {
    if (foreignKeys) db.pragma('foreign_keys = ON');
  }
  return { version: withStorageErrors('migrate', () => schemaVersion(db)), applied };
}

/** Applies one migration unless another process did meanwhile; true when this call applied it. */
function applyOne(db: Database, migration: MigrationFile, now: () => number): boolean {
  const sql = readFileSync(migration.path, 'utf8');
  const run = db.transaction(() => {
    ensureMigrationsTable(db);
    // Re-read inside the write lock: two processes starting at once must not both apply it.
    if (schemaVersion(db) >= migration.version) return false;
    db.exec(sql);
    const violations = db.pragma('foreign_key_check') as unknown[];
    if (violations.length > 0) {
      throw new MigrationError(
        'foreign-key-violation',
        `Migration ${migration.file} leaves ${violations.length} foreign key violation(s); rolled back`,
        { file: migration.file, version: migration.version, cause: violations },
      );
    }
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
      migration.version,
      migration.name,
      now(),
    );
    return true;
  });
  try {
    return run.immediate();
  } catch (err) {
    if (err instanceof MigrationError) throw err;
    // A database that cannot be written is not the migration's fault: report it as such.
    const storageError = classifySqliteError(err, `migrate ${migration.file}`);
    if (storageError && storageError.kind !== 'constraint' && storageError.kind !== 'other')
      throw storageError;
    const reason = err instanceof Error ? err.message : String(err);
    throw new MigrationError('failed', `Migration ${migration.file} failed and was rolled back: ${reason}`, {
      file: migration.file,
      version: migration.version,
      cause: err,
    });
  }
}

function ensureMigrationsTable(db: Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY CHECK (version > 0),
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
}

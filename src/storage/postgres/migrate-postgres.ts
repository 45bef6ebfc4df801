import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { DatabaseVersionError, MigrationError, StorageError } from '../errors.js';
import { type MigrateResult, type MigrationFile, readMigrations } from '../migrate.js';
import { classifyPostgresError } from './classify-postgres-error.js';

export interface MigratePostgresOptions {
  migrationsDir: string;
  /** Where the database is (no password), for the error about a newer schema. */
  location: string;
  now?: () => number;
}

// Any fixed number will do, as long as every Streamgram instance uses the same one.
const MIGRATION_LOCK = 7_345_112_001;

/**
 * Applies the pending PostgreSQL migrations in version order, each in its own transaction and
 * recorded in `schema_migrations`, the same numbering as SQLite's. The whole run holds a session
 * advisory lock: a second instance starting at the same moment waits, then finds nothing to do.
 * A database newer than the newest file is refused with `DatabaseVersionError`.
 */
export async function migratePostgres(
  pool: pg.Pool,
  options: MigratePostgresOptions,
): Promise<MigrateResult> {
  const now = options.now ?? Date.now;
  const migrations = readMigrations(options.migrationsDir);
  const known = migrations.at(-1)?.version ?? 0;
  const client = await storageStep('migrate', () => pool.connect());
  let broken: Error | undefined;
  try {
    await storageStep('migrate', () => client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]));
    try {
      await storageStep('migrate', () =>
        client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
          version integer PRIMARY KEY CHECK (version > 0),
          name text NOT NULL,
          applied_at bigint NOT NULL
        )`),
      );
      const current = await schemaVersion(client);
      if (current > known) throw new DatabaseVersionError(options.location, current, known, 'DATABASE_URL');
      const pending = migrations.filter((migration) => migration.version > current);
      for (const migration of pending) await applyOne(client, migration, now);
      return { version: await schemaVersion(client), applied: pending };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch((error: Error) => {
        broken = error;
      });
    }
  } catch (error) {
    if (error instanceof StorageError) broken = error;
    throw error;
  } finally {
    client.release(broken);
  }
}

async function schemaVersion(client: pg.PoolClient): Promise<number> {
  const result = await storageStep('migrate', () =>
    client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations'),
  );
  return Number(result.rows[0]?.version ?? 0);
}

async function applyOne(client: pg.PoolClient, migration: MigrationFile, now: () => number): Promise<void> {
  const sql = readFileSync(migration.path, 'utf8');
  try {
    await client.query('BEGIN');
    // Without parameters, node-postgres sends the file as one simple query: many statements at once.
    await client.query(sql);
    await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
      migration.version,
      migration.name,
      now(),
    ]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const storageError = classifyPostgresError(error);
    // A database that cannot be reached or written is not the migration's fault.
    if (storageError && storageError.kind !== 'constraint' && storageError.kind !== 'other') {
      throw new StorageError(storageError.kind, `migrate ${migration.file}`, storageError.code, {
        cause: error,
      });
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError('failed', `Migration ${migration.file} failed and was rolled back: ${reason}`, {
      file: migration.file,
      version: migration.version,
      cause: error,
    });
  }
}

async function storageStep<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const classified = classifyPostgresError(error);
    if (!classified) throw error;
    throw new StorageError(classified.kind, operation, classified.code, { cause: error });
  }
}

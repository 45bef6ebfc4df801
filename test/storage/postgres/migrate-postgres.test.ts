import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseVersionError, MigrationError } from '../../../src/storage/errors.js';
import { readMigrations } from '../../../src/storage/migrate.js';
import { defaultMigrationsDir } from '../../../src/storage/open-database.js';
import {
  defaultPostgresMigrationsDir,
  describePostgresUrl,
  openPostgresStore,
} from '../../../src/storage/postgres/postgres-store.js';
import type { Store } from '../../../src/storage/sql.js';
import { createStorage } from '../../../src/storage/storage.js';
import {
  createTestDatabase,
  dropTestDatabase,
  hasPostgres,
  postgresSkipReason,
} from '../../support/postgres-test-store.js';
import { createTempWorkspace } from '../temp-database.js';

const opened: Store[] = [];
const databases: string[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  for (const url of databases.splice(0)) await dropTestDatabase(url);
});

async function newDatabase(): Promise<string> {
  const url = await createTestDatabase('migrate');
  databases.push(url);
  return url;
}

it('has a PostgreSQL twin for every SQLite migration: same versions, same names', () => {
  const names = (dir: string) => readMigrations(dir).map(({ version, name }) => ({ version, name }));
  expect(names(defaultPostgresMigrationsDir)).toEqual(names(defaultMigrationsDir));
});

describe.skipIf(!hasPostgres)(`PostgreSQL migrations ${hasPostgres ? '' : `(${postgresSkipReason})`}`, () => {
  it('migrates an empty database once when two instances start at the same moment', async () => {
    const url = await newDatabase();
    const migrated: number[][] = [];
    const both = await Promise.all(
      [1, 2].map(() =>
        openPostgresStore(url, {
          poolSize: 2,
          onMigrated: (result) => migrated.push(result.applied.map((migration) => migration.version)),
        }),
      ),
    );
    opened.push(...both);
    // One applied every migration, the other waited for the lock and found nothing left to do.
    expect(migrated.sort((a, b) => a.length - b.length)).toEqual([[], [1, 2, 3, 4, 5]]);
    const rows = await both[0]!.all<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }]);
  });

  it('refuses a database written by a newer Streamgram, naming DATABASE_URL but no password', async () => {
    const url = await newDatabase();
    opened.push(await openPostgresStore(url));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)");
    await client.end();
    const withPassword = url.replace('postgres@', 'postgres:hidden-pass@');
    const error = await openPostgresStore(withPassword).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatabaseVersionError);
    expect((error as Error).message).toContain('DATABASE_URL');
    expect((error as Error).message).toContain(describePostgresUrl(url));
    expect((error as Error).message).not.toContain('hidden-pass');
  });

  it('rolls a failing migration back completely and names its file', async () => {
    const url = await newDatabase();
    const ws = createTempWorkspace();
    try {
      const dir = join(ws.dir, 'migrations');
      mkdirSync(dir);
      writeFileSync(join(dir, '001_init.sql'), 'CREATE TABLE a (id bigint PRIMARY KEY);');
      writeFileSync(join(dir, '002_bad.sql'), 'CREATE TABLE b (id bigint); SELECT * FROM missing_table;');
      const error = await openPostgresStore(url, { migrationsDir: dir }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as MigrationError).file).toBe('002_bad.sql');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const tables = await client.query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
      );
      await client.end();
      expect(tables.rows.map((row) => row.tablename)).toEqual(['a', 'schema_migrations']);
    } finally {
      ws.cleanup();
    }
  });

  it('gives up on a call the server does not answer, as unavailable, and goes on afterwards', async () => {
    const url = await newDatabase();
    const store = await openPostgresStore(url, { queryTimeoutMs: 300 });
    opened.push(store);
    const storage = createStorage(store);
    await storage.chats.upsert({ id: 1, type: 'private' });
    // Another session holds the table: our read waits for it, like a server that hangs.
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE chats IN ACCESS EXCLUSIVE MODE');
    try {
      await expect(storage.chats.get(1)).rejects.toMatchObject({
        kind: 'unavailable',
        operation: 'chats.get',
      });
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    expect((await storage.chats.get(1))?.id).toBe(1);
  });

  it('reports a server that cannot be reached as unavailable, without hanging', async () => {
    const error = await openPostgresStore('postgres://nobody@127.0.0.1:1/none', {
      connectTimeoutMs: 2000,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'StorageError', kind: 'unavailable' });
  });
});

import { afterAll, afterEach, beforeEach } from 'vitest';
import { openPostgresStore } from '../../src/storage/postgres/postgres-store.js';
import type { SqlExecutor, Store } from '../../src/storage/sql.js';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { createStorage, type Storage } from '../../src/storage/storage.js';
import { createTestDatabase, dropTestDatabase, hasPostgres } from '../support/postgres-test-store.js';
import { createTempWorkspace } from './temp-database.js';

export type StoreKind = Store['kind'];

/**
 * The stores every repository test runs against: PostgreSQL too when the test server runs (see
 * test/support/postgres-global-setup.ts; CI requires it).
 */
export const storeKinds: StoreKind[] = hasPostgres ? ['sqlite', 'postgres'] : ['sqlite'];

/** What a repository test gets: the storage, its clock and raw SQL for looking under the hood. */
export interface TestStorage {
  storage: Storage;
  clock: { now: number };
  /** Raw statements on the same store (`$1` placeholders), e.g. to count rows. */
  sql: SqlExecutor;
}

/**
 * A fresh, migrated, empty store of `kind` for each test (a temp SQLite file; on PostgreSQL the test
 * file's own database, emptied), with a controllable clock. Call inside a `describe`; the returned
 * object is filled in before each test.
 */
export function useTestStorage(kind: StoreKind): TestStorage {
  const current = {} as TestStorage;
  let close: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    const opened = await openTestStore(kind);
    close = opened.close;
    const clock = { now: 1_700_000_000_000 };
    Object.assign(current, {
      storage: createStorage(opened.store, { now: () => clock.now }),
      clock,
      sql: opened.store,
    });
  });
  afterEach(async () => {
    await close?.();
    close = undefined;
  });
  afterAll(async () => {
    if (kind === 'postgres' && fileDatabase) await dropTestDatabase(await fileDatabase);
    fileDatabase = undefined;
  });
  return current;
}

// One database per test file on the shared server, emptied before each test.
let fileDatabase: Promise<string> | undefined;

async function openTestStore(kind: StoreKind): Promise<{ store: Store; close(): Promise<void> }> {
  if (kind === 'postgres') {
    fileDatabase ??= createTestDatabase('repositories');
    const store = await openPostgresStore(await fileDatabase, { poolSize: 4 });
    await emptyAllTables(store);
    return { store, close: () => store.close() };
  }
  const ws = createTempWorkspace();
  const store = createSqliteStore(ws.open());
  return {
    store,
    close: async () => {
      await store.close();
      ws.cleanup();
    },
  };
}

/** Rows in a table, through the raw SQL of a test store. */
export async function countRows(sql: SqlExecutor, table: string): Promise<number> {
  const row = await sql.get<{ n: number | string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(row?.n ?? 0);
}

/** Deletes every row (ids start from 1 again), keeping the schema and its version. */
export async function emptyAllTables(sql: SqlExecutor): Promise<void> {
  const tables = await sql.all<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'",
  );
  if (tables.length === 0) return;
  await sql.run(`TRUNCATE ${tables.map((table) => table.name).join(', ')} RESTART IDENTITY CASCADE`);
}

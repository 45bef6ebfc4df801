import { afterEach, beforeEach } from 'vitest';
import type { SqlExecutor, Store } from '../../src/storage/sql.js';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { createStorage, type Storage } from '../../src/storage/storage.js';
import { createTempWorkspace } from './temp-database.js';

export type StoreKind = Store['kind'];

/** The stores every repository test runs against. */
export const storeKinds: StoreKind[] = ['sqlite'];

/** What a repository test gets: the storage, its clock and raw SQL for looking under the hood. */
export interface TestStorage {
  storage: Storage;
  clock: { now: number };
  /** Raw statements on the same store (`$1` placeholders), e.g. to count rows. */
  sql: SqlExecutor;
}

/**
 * A fresh, migrated, empty store of `kind` for each test (a temp SQLite file), with a controllable
 * clock. Call inside a `describe`; the returned object is filled in before each test.
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
  return current;
}

async function openTestStore(kind: StoreKind): Promise<{ store: Store; close(): Promise<void> }> {
  if (kind !== 'sqlite') throw new Error(`no test store for ${kind}`);
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

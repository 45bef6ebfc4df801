import type { MigrateResult } from './migrate.js';
import type { Store } from './sql.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';

export interface StoreSettings {
  /** The SQLite file, used when `databaseUrl` is undefined. */
  databasePath: string;
  /** `postgres://...`: PostgreSQL instead. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
}

/** Opens and migrates the configured database: the SQLite file by default, PostgreSQL with a URL. */
export async function openStore(
  settings: StoreSettings,
  options: { onMigrated?: (result: MigrateResult) => void } = {},
): Promise<Store> {
  if (settings.databaseUrl !== undefined) {
    // Loaded only here: the PostgreSQL driver costs a one-SQLite-file bot about 9 MB it never uses.
    const { openPostgresStore } = await import('./postgres/postgres-store.js');
    return openPostgresStore(settings.databaseUrl, { poolSize: settings.databasePoolSize, ...options });
  }
  return openSqliteStore(settings.databasePath, options);
}

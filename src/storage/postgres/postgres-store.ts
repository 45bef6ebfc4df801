import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { MigrateResult } from '../migrate.js';
import type { SqlExecutor, SqlValue, Store } from '../sql.js';
import { classifyPostgresError, isConnectionLost } from './classify-postgres-error.js';
import { migratePostgres } from './migrate-postgres.js';

export interface PostgresStoreOptions {
  /** Most connections open at once (DATABASE_POOL_SIZE). */
  poolSize?: number;
  /** Folder of the PostgreSQL migrations; defaults to the repository's `migrations/postgres/`. */
  migrationsDir?: string;
  /** How long to wait for a connection before the call fails as `unavailable`; default 5000 ms. */
  connectTimeoutMs?: number;
  /** How long a repository call may wait for its answer; default 30 s (see `QUERY_TIMEOUT_MS`). */
  queryTimeoutMs?: number;
  now?: () => number;
  onMigrated?: (result: MigrateResult) => void;
}

/**
 * A repository call that gets no answer for this long (a hung server, a silent network cut) fails as
 * `unavailable` instead of holding its chat's queue forever. Migrations are not limited: a large
 * table may take minutes to change.
 */
const QUERY_TIMEOUT_MS = 30_000;

export const defaultPostgresMigrationsDir = fileURLToPath(
  new URL('../../../migrations/postgres/', import.meta.url),
);

// bigint (20) and numeric (1700, what sum() of bigints gives) arrive as strings by default; every
// value here (Telegram ids, epoch milliseconds, token counts) fits a double exactly.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 || oid === 1700
      ? Number
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Where the database is, for logs and /healthz: host, port and name, never the password. */
export function describePostgresUrl(url: string): string {
  const parsed = new URL(url);
  return `postgres://${parsed.hostname || 'localhost'}:${parsed.port || 5432}${parsed.pathname}`;
}

/**
 * Opens a pool on the PostgreSQL database at `url` and brings its schema up to date (under an
 * advisory lock, so instances starting together migrate once). The caller closes it on shutdown.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    // TCP keepalive notices a peer that vanished without closing the connection.
    keepAlive: true,
    types,
  });
  // A pooled connection the server closed (a restart) is reported here; the next query that needs
  // one reports the outage itself, so this must only keep the process alive.
  pool.on('error', () => undefined);
  const store = createPostgresStore(pool, describePostgresUrl(url), options.queryTimeoutMs);
  try {
    const result = await migratePostgres(pool, {
      migrationsDir: options.migrationsDir ?? defaultPostgresMigrationsDir,
      location: store.location,
      ...(options.now ? { now: options.now } : {}),
    });
    options.onMigrated?.(result);
    return store;
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/** The store over a node-postgres pool: each call takes a connection; a transaction keeps one. */
export function createPostgresStore(
  pool: pg.Pool,
  location: string,
  queryTimeoutMs = QUERY_TIMEOUT_MS,
): Store {
  let closed: Promise<void> | undefined;
  async function query(
    client: pg.Pool | pg.PoolClient,
    sql: string,
    params: readonly SqlValue[] = [],
  ): Promise<pg.QueryResult> {
    try {
      // node-postgres reads query_timeout from the query too; its types do not list it.
      const config = { text: sql, values: params as SqlValue[], query_timeout: queryTimeoutMs };
      return await client.query(config as pg.QueryConfig);
    } catch (error) {
      throw classifyPostgresError(error) ?? error;
    }
  }
  const over = (client: pg.Pool | pg.PoolClient): SqlExecutor => ({
    dialect: 'postgres',
    all: async <Row>(sql: string, params?: readonly SqlValue[]) =>
      (await query(client, sql, params)).rows as Row[],
    get: async <Row>(sql: string, params?: readonly SqlValue[]) =>
      (await query(client, sql, params)).rows[0] as Row | undefined,
    run: async (sql, params) => (await query(client, sql, params)).rowCount ?? 0,
  });

  async function connect(): Promise<pg.PoolClient> {
    try {
      return await pool.connect();
    } catch (error) {
      throw classifyPostgresError(error) ?? error;
    }
  }

  return {
    kind: 'postgres',
    location,
    ...over(pool),
    async transaction(fn) {
      const client = await connect();
      let failure: unknown;
      try {
        await query(client, 'BEGIN');
        const result = await fn(over(client));
        await query(client, 'COMMIT');
        return result;
      } catch (error) {
        failure = error;
        // A lost connection rolled back by itself; the pool replaces it below.
        if (!isConnectionLost(error)) await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release(isConnectionLost(failure) ? (failure as Error) : undefined);
      }
    },
    async isWritable() {
      try {
        // Assigning a transaction id fails on a read-only server (a standby) and when it is down.
        await query(pool, 'SELECT txid_current()');
        return true;
      } catch {
        return false;
      }
    },
    close: () => {
      closed ??= pool.end();
      return closed;
    },
  };
}

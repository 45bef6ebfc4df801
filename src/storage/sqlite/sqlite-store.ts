import type { Database, Statement } from 'better-sqlite3';
import { type OpenDatabaseOptions, openDatabase } from '../open-database.js';
import type { SqlExecutor, SqlValue, Store } from '../sql.js';

/** Opens (creating and migrating) the SQLite file at `path` behind the asynchronous store seam. */
export function openSqliteStore(path: string, options: OpenDatabaseOptions = {}): Store {
  return createSqliteStore(openDatabase(path, options));
}

/**
 * The store over one better-sqlite3 connection. Every statement still runs synchronously; the
 * promises only give SQLite and PostgreSQL one shape. One connection means one transaction at a
 * time: while a transaction's body awaits, other statements wait for it instead of landing inside it.
 */
export function createSqliteStore(db: Database): Store {
  const statements = new Map<string, { statement: Statement; names: string[] }>();
  let active: Promise<unknown> | undefined;

  function prepare(sql: string) {
    let entry = statements.get(sql);
    if (!entry) {
      // better-sqlite3 binds `?NNN` by name only, so `$1` becomes the named parameter `@p1`.
      const names: string[] = [];
      const text = sql.replace(/\$(\d+)/g, (_match, index: string) => {
        if (!names.includes(index)) names.push(index);
        return `@p${index}`;
      });
      entry = { statement: db.prepare(text), names };
      statements.set(sql, entry);
    }
    return entry;
  }

  function bind(names: string[], params: readonly SqlValue[]): Record<string, SqlValue> {
    const values: Record<string, SqlValue> = {};
    for (const name of names) values[`p${name}`] = params[Number(name) - 1] ?? null;
    return values;
  }

  const direct = {
    all<Row>(sql: string, params: readonly SqlValue[] = []): Row[] {
      const { statement, names } = prepare(sql);
      return (names.length ? statement.all(bind(names, params)) : statement.all()) as Row[];
    },
    get<Row>(sql: string, params: readonly SqlValue[] = []): Row | undefined {
      const { statement, names } = prepare(sql);
      return (names.length ? statement.get(bind(names, params)) : statement.get()) as Row | undefined;
    },
    run(sql: string, params: readonly SqlValue[] = []): number {
      const { statement, names } = prepare(sql);
      return (names.length ? statement.run(bind(names, params)) : statement.run()).changes;
    },
  };

  // Statements inside the running transaction go straight to the connection.
  const inTransaction: SqlExecutor = {
    dialect: 'sqlite',
    all: async (sql, params) => direct.all(sql, params),
    get: async (sql, params) => direct.get(sql, params),
    run: async (sql, params) => direct.run(sql, params),
  };

  /** Runs `fn` once no transaction is open, in the same tick as the check (nothing can slip in). */
  async function whenIdle<T>(fn: () => T): Promise<T> {
    while (active) await active.catch(() => undefined);
    return fn();
  }

  return {
    kind: 'sqlite',
    dialect: 'sqlite',
    location: db.name,
    all: (sql, params) => whenIdle(() => direct.all(sql, params)),
    get: (sql, params) => whenIdle(() => direct.get(sql, params)),
    run: (sql, params) => whenIdle(() => direct.run(sql, params)),
    async transaction(fn) {
      const body = await whenIdle(() => {
        // IMMEDIATE takes the write lock up front: another process waits its busy timeout instead
        // of failing halfway when a read turns into a write.
        db.exec('BEGIN IMMEDIATE');
        const running = (async () => {
          try {
            const result = await fn(inTransaction);
            db.exec('COMMIT');
            return result;
          } catch (error) {
            if (db.inTransaction) db.exec('ROLLBACK');
            throw error;
          }
        })();
        active = running;
        // Wrapped so that awaiting `whenIdle` does not wait for the body itself.
        return { running };
      });
      try {
        return await body.running;
      } finally {
        if (active === body.running) active = undefined;
      }
    },
    isWritable: () =>
      whenIdle(() => {
        try {
          const version = db.pragma('user_version', { simple: true }) as number;
          db.pragma(`user_version = ${version}`);
          return true;
        } catch {
          return false;
        }
      }),
    close: () =>
      whenIdle(() => {
        if (db.open) db.close();
      }),
  };
}

/** A value bound to a `$1`-style placeholder. */
export type SqlValue = string | number | bigint | null;

/** The SQL dialects the repositories speak; their few differences are picked by this name. */
export type SqlDialect = 'sqlite' | 'postgres';

/**
 * The one seam between the repositories and a database: statements with `$1`, `$2`... placeholders
 * (the same text for both dialects), rows back as plain objects with numbers for integers.
 * Failures are thrown raw (or as `StorageError`); the repositories classify them.
 */
export interface SqlExecutor {
  readonly dialect: SqlDialect;
  all<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  get<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined>;
  /** Runs a statement; returns how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

/** An open, migrated database: SQLite in a file, or a PostgreSQL pool. */
export interface Store extends SqlExecutor {
  /** For /healthz and logs: `sqlite` or `postgres`. */
  readonly kind: SqlDialect;
  /** Where it is, safe to log: the file path, or host, port and database name (never a password). */
  readonly location: string;
  /**
   * Runs `fn` in one transaction on `tx`: committed together, or rolled back (and the error rethrown)
   * when it throws. `fn` must use only `tx` and must not wait for a provider or Telegram call.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** A real tiny write, for /healthz: false when the database cannot be written or reached. */
  isWritable(): Promise<boolean>;
  close(): Promise<void>;
}

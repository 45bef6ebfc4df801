/**
 * What a storage failure means for the bot, decided once where the error is classified:
 * - `read-only`: the database (or its folder) cannot be written; nothing new can be saved.
 * - `disk-full`: the disk or the database's size limit is reached.
 * - `io`: the operating system failed a read or write, or the file cannot be opened.
 * - `corrupt`: the file is damaged or is not a database.
 * - `busy`: another connection held a lock for longer than the busy timeout; may succeed later.
 * - `unavailable`: the database server cannot be reached (PostgreSQL down, network cut); it comes back.
 * - `constraint`: the data broke a schema rule (a bug on our side, or a stale reference).
 * - `other`: anything else the database reported.
 * All but the last two mean "cannot save right now": tell the user, keep the answer they already see.
 */
export type StorageFailureKind =
  | 'read-only'
  | 'disk-full'
  | 'io'
  | 'corrupt'
  | 'busy'
  | 'unavailable'
  | 'constraint'
  | 'other';

export class StorageError extends Error {
  override readonly name = 'StorageError';
  /** What went wrong, without the operation (the driver's message, or the one given). */
  readonly detail: string;
  constructor(
    readonly kind: StorageFailureKind,
    /** What we were doing, e.g. `messages.finishAssistantMessage`. */
    readonly operation: string,
    /** SQLite's extended result code (`SQLITE_READONLY_DBMOVED`) or a Node errno code (`EACCES`). */
    readonly code: string | undefined,
    options: { cause?: unknown; message?: string } = {},
  ) {
    super(
      `${operation} failed (${kind}${code === undefined ? '' : `, ${code}`}): ${options.message ?? describe(options.cause)}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.detail = options.message ?? describe(options.cause);
  }
}

/** Why the migrations could not be applied; `file` and `version` name the migration when there is one. */
export type MigrationFailureReason =
  | 'missing-folder'
  | 'bad-file-name'
  | 'duplicate-version'
  | 'gap'
  | 'failed'
  | 'foreign-key-violation';

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly reason: MigrationFailureReason,
    message: string,
    readonly details: { file?: string; version?: number; migrationsDir?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
  get file(): string | undefined {
    return this.details.file;
  }
  get version(): number | undefined {
    return this.details.version;
  }
}

/** The database was migrated by a newer Streamgram than this one; opening it could corrupt its data. */
export class DatabaseVersionError extends Error {
  override readonly name = 'DatabaseVersionError';
  constructor(
    readonly databasePath: string,
    readonly databaseVersion: number,
    readonly knownVersion: number,
    /** The setting that chose the database. */
    setting: 'DATABASE_PATH' | 'DATABASE_URL' = 'DATABASE_PATH',
  ) {
    super(
      `The database at ${databasePath} was written by a newer Streamgram (schema ${databaseVersion}, ` +
        `this one knows ${knownVersion}); upgrade Streamgram or point ${setting} elsewhere.`,
    );
  }
}

const sqliteKinds: [prefix: string, kind: StorageFailureKind][] = [
  ['SQLITE_READONLY', 'read-only'],
  ['SQLITE_PERM', 'read-only'],
  ['SQLITE_FULL', 'disk-full'],
  ['SQLITE_IOERR', 'io'],
  ['SQLITE_CANTOPEN', 'io'],
  ['SQLITE_PROTOCOL', 'io'],
  ['SQLITE_CORRUPT', 'corrupt'],
  ['SQLITE_NOTADB', 'corrupt'],
  ['SQLITE_BUSY', 'busy'],
  ['SQLITE_LOCKED', 'busy'],
  ['SQLITE_CONSTRAINT', 'constraint'],
];

// Errors from creating the database's folder or file before SQLite sees it.
const errnoKinds: Record<string, StorageFailureKind> = {
  EROFS: 'read-only',
  EACCES: 'read-only',
  EPERM: 'read-only',
  ENOSPC: 'disk-full',
  EDQUOT: 'disk-full',
  EIO: 'io',
  ENOTDIR: 'io',
  EISDIR: 'io',
  // mkdir where a regular file stands.
  EEXIST: 'io',
};

/** The kind of a SQLite result code (`SQLITE_IOERR_WRITE` -> `io`) or Node errno code (`ENOSPC`). */
export function storageFailureKind(code: string): StorageFailureKind {
  for (const [prefix, kind] of sqliteKinds) {
    // Extended codes add a suffix: SQLITE_READONLY_DBMOVED, SQLITE_IOERR_FSYNC, ...
    if (code === prefix || code.startsWith(`${prefix}_`)) return kind;
  }
  return errnoKinds[code] ?? 'other';
}

/**
 * Turns a failure from better-sqlite3 (a `SqliteError`) or from the file system (an errno error) into a
 * `StorageError` with its `kind`. A `StorageError` is returned as it is. Anything else (a bug such as a
 * TypeError from a wrong bind value) gives `undefined`: the caller rethrows it unchanged.
 */
export function classifySqliteError(err: unknown, operation = 'storage'): StorageError | undefined {
  if (err instanceof StorageError) return err;
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return undefined;
  const isSqlite = err.name === 'SqliteError' || code.startsWith('SQLITE_');
  if (!isSqlite && !(code in errnoKinds)) return undefined;
  return new StorageError(storageFailureKind(code), operation, code, { cause: err });
}

/**
 * The operation name a store gives the `StorageError`s it throws itself (PostgreSQL); the repository
 * that called it replaces it with its own (`chats.upsert`).
 */
export const STORE_OPERATION = 'sql';

/** Awaits `fn`, rethrowing database and file-system failures as `StorageError`s named `operation`. */
export async function storageCall<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StorageError && err.operation === STORE_OPERATION) {
      throw new StorageError(err.kind, operation, err.code, { cause: err.cause, message: err.detail });
    }
    throw classifySqliteError(err, operation) ?? err;
  }
}

/** Runs `fn`, rethrowing SQLite and file-system failures as classified `StorageError`s. */
export function withStorageErrors<T>(operation: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw classifySqliteError(err, operation) ?? err;
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return String(cause);
}

import { STORE_OPERATION, StorageError, type StorageFailureKind } from '../errors.js';

// Network failures on the way to the server: it is down, restarting or out of reach.
const unreachable = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

// node-postgres gives these failures no code, only a message; matched here and nowhere else.
const lostConnection =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|Query read timeout)/;

/** The kind of a PostgreSQL SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
export function postgresFailureKind(sqlState: string): StorageFailureKind {
  if (sqlState === '53100') return 'disk-full';
  if (sqlState === '25006') return 'read-only';
  if (sqlState === '40001' || sqlState === '40P01' || sqlState === '55P03') return 'busy';
  if (sqlState === 'XX001' || sqlState === 'XX002') return 'corrupt';
  // 08: connection exceptions; 57P01-03: the server is shutting down or starting; 53: out of resources.
  if (sqlState.startsWith('08') || /^57P0[1-3]$/.test(sqlState) || sqlState.startsWith('53'))
    return 'unavailable';
  if (sqlState.startsWith('58')) return 'io';
  // 23: integrity constraints; 22: data the column cannot take (e.g. text that is not JSON).
  if (sqlState.startsWith('23') || sqlState.startsWith('22')) return 'constraint';
  return 'other';
}

/**
 * Turns a failure of node-postgres into a `StorageError` (operation `sql`, which the repository
 * names); anything else (a bug in our own code) gives `undefined` and is rethrown unchanged.
 */
export function classifyPostgresError(err: unknown): StorageError | undefined {
  if (err instanceof StorageError) return err;
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  const isServerError = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && 'severity' in err;
  if (isServerError)
    return new StorageError(postgresFailureKind(code), STORE_OPERATION, code, { cause: err });
  if (typeof code === 'string' && unreachable.has(code))
    return new StorageError('unavailable', STORE_OPERATION, code, { cause: err });
  if (lostConnection.test(err.message))
    return new StorageError('unavailable', STORE_OPERATION, undefined, { cause: err });
  return undefined;
}

/** True when the connection that failed cannot be used again and must leave the pool. */
export function isConnectionLost(error: unknown): boolean {
  return error instanceof StorageError && error.kind === 'unavailable';
}
